import { decodeJsonString, findTopLevelModel, hasEscape, skipString } from './_top-level-model.js';

/**
 * The value of the top-level `"model"` key of a JSON request body, read without parsing the body (the proxy
 * needs it per request to route and to call `mapModel`). Nested `"model"` keys are ignored; with duplicate
 * top-level keys the first one counts, as in `rewriteModel`.
 * @returns the model name, or `undefined` when the body is not a JSON object with a top-level model string
 */
export function readModel(body: Buffer): string | undefined {
  const valueStart = findTopLevelModel(body);
  if (valueStart === -1) return undefined;
  const valueEnd = skipString(body, valueStart);
  if (valueEnd === -1) return undefined;
  return hasEscape(body, valueStart, valueEnd)
    ? decodeJsonString(body, valueStart, valueEnd)
    : body.toString('utf8', valueStart + 1, valueEnd - 1);
}
