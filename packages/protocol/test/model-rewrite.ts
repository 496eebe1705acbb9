import { replaceSpan } from '../src/replace-span.js';
import { parseSpan, scanTopLevel, TopLevelKeys } from '../src/scan-json.js';

const modelKey = new TopLevelKeys(['model']);

/** The model rewrite as the proxy does it: find the top-level model; replace it when it is a string. */
export function rewriteModel(body: Buffer, model: string): Buffer | undefined {
  const span = scanTopLevel(body, modelKey)?.get('model');
  return span === undefined || body[span[0]] !== 0x22 ? undefined : replaceSpan(body, span, model);
}

/** The top-level model string, as the proxy reads it. */
export function readModel(body: Buffer): string | undefined {
  const model = parseSpan(body, scanTopLevel(body, modelKey)?.get('model'));
  return typeof model === 'string' ? model : undefined;
}
