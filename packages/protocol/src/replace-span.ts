import type { Span } from './scan-json.js';

/**
 * A copy of `body` with the value at `span` replaced by `value` as JSON, every other byte unchanged: the body keeps
 * its formatting, key order and the bytes a prompt cache is keyed on. The caller updates `content-length`; `body`
 * itself is not modified.
 */
export function replaceSpan(body: Buffer, span: Span, value: unknown): Buffer {
  const [start, end] = span;
  const encoded = JSON.stringify(value);
  const encodedLength = Buffer.byteLength(encoded);
  const replaced = Buffer.allocUnsafe(body.length - (end - start) + encodedLength);
  body.copy(replaced, 0, 0, start);
  replaced.write(encoded, start, 'utf8');
  body.copy(replaced, start + encodedLength, end);
  return replaced;
}
