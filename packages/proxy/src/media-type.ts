/**
 * Whether a `content-type` value names `expected` (a lower-case `type/subtype`), ignoring case, surrounding blanks and
 * parameters such as `; charset=utf-8` (RFC 9110 §8.3.1). The exact value most clients send costs one comparison.
 */
export function isMediaType(contentType: string | undefined, expected: string): boolean {
  if (contentType === undefined) return false;
  if (contentType === expected) return true;
  const semicolon = contentType.indexOf(';');
  const essence = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  return essence.trim().toLowerCase() === expected;
}
