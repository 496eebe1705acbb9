import { findTopLevelModel, skipString } from './_top-level-model.js';

/**
 * Returns a new Buffer in which the value of the top-level `"model"` key of the JSON request body is replaced
 * by `model` (JSON-encoded) and every other byte is unchanged, so the body keeps its exact formatting, key
 * order and prompt-cache-relevant bytes. A `"model"` key nested in `messages`, `metadata` or `tools` is never
 * touched. With duplicate top-level `model` keys the first one is replaced. The caller must update
 * `content-length`; the input buffer is not modified.
 * @returns the rewritten body, or `undefined` when the body is not a JSON object with a top-level model string
 */
export function rewriteModel(body: Buffer, model: string): Buffer | undefined {
  const valueStart = findTopLevelModel(body);
  if (valueStart === -1) return undefined;
  const valueEnd = skipString(body, valueStart);
  if (valueEnd === -1) return undefined;
  const encodedModel = JSON.stringify(model);
  const encodedLength = Buffer.byteLength(encodedModel);
  const rewritten = Buffer.allocUnsafe(body.length - (valueEnd - valueStart) + encodedLength);
  body.copy(rewritten, 0, 0, valueStart);
  rewritten.write(encodedModel, valueStart, 'utf8');
  body.copy(rewritten, valueStart + encodedLength, valueEnd);
  return rewritten;
}
