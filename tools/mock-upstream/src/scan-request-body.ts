// Lean mode reads `model` and `stream` straight from the bytes instead of JSON.parse-ing bodies that
// reach ~100 KB (protocol §3). A key in nested JSON could fool the scan; lean mode accepts that.

const quote = 0x22;
const colon = 0x3a;
const backslash = 0x5c;
const letterT = 0x74;
const modelKey = Buffer.from('"model"');
const streamKey = Buffer.from('"stream"');

function skipWhitespace(body: Buffer, offset: number): number {
  let position = offset;
  while (position < body.length) {
    const byte = body[position];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) break;
    position++;
  }
  return position;
}

/** Offset of the value after the next `key :`, searching from `from`; -1 when the key is absent. */
function findValueOffset(
  body: Buffer,
  key: Buffer,
  from: number,
): { value: number; next: number } | undefined {
  let search = from;
  for (;;) {
    const keyOffset = body.indexOf(key, search);
    if (keyOffset === -1) return undefined;
    const afterKey = keyOffset + key.length;
    const colonOffset = skipWhitespace(body, afterKey);
    if (body[colonOffset] === colon) return { value: skipWhitespace(body, colonOffset + 1), next: afterKey };
    search = afterKey;
  }
}

/** The first top-level-looking `"model": "<id>"` string, or undefined when absent or escaped. */
export function scanModel(body: Buffer): string | undefined {
  const found = findValueOffset(body, modelKey, 0);
  if (found === undefined || body[found.value] !== quote) return undefined;
  const start = found.value + 1;
  const end = body.indexOf(quote, start);
  if (end === -1) return undefined;
  // An escape inside the id would need real JSON decoding; model ids never have one.
  for (let position = start; position < end; position++) {
    if (body[position] === backslash) return undefined;
  }
  return body.toString('utf8', start, end);
}

/** True when some `"stream": true` appears in the body. */
export function scanIsStreaming(body: Buffer): boolean {
  let from = 0;
  for (;;) {
    const found = findValueOffset(body, streamKey, from);
    if (found === undefined) return false;
    if (body[found.value] === letterT) return true;
    from = found.next;
  }
}
