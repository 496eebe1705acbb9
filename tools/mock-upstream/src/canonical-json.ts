// The prompt cache keys on the rendered prompt, which does not depend on how a client (or a proxy that
// re-serialises the body) orders JSON keys or spaces its output. Sorting keys makes the mock agree.

function write(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let output = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) output += ',';
      output += write(value[index]);
    }
    return `${output}]`;
  }
  return writeObject(value as Record<string, unknown>, undefined);
}

function writeObject(record: Record<string, unknown>, omittedKey: string | undefined): string {
  const keys = Object.keys(record).sort();
  let output = '{';
  for (const key of keys) {
    if (key === omittedKey) continue;
    if (output.length > 1) output += ',';
    output += `${JSON.stringify(key)}:${write(record[key])}`;
  }
  return `${output}}`;
}

/**
 * Compact JSON of a parsed JSON value with object keys sorted at every depth, so equal content gives
 * equal text however it was sent. `omittedKey` is left out of the top-level object only (the mock drops
 * a block's own `cache_control`, so adding or moving a marker does not change the block's size or hash).
 */
export function canonicalJson(value: unknown, omittedKey?: string): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return writeObject(value as Record<string, unknown>, omittedKey);
  }
  return write(value);
}

/** Canonical JSON of the text block a plain string stands for (`system: "…"`, `content: "…"`). */
export function canonicalTextBlockJson(text: string): string {
  return `{"text":${JSON.stringify(text)},"type":"text"}`;
}
