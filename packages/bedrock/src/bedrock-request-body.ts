import { removeMembers, type Span, scanTopLevel, TopLevelKeys } from '@ccb/protocol';
import { BedrockError } from './bedrock-error.js';

/** The Messages API version InvokeModel wants in the body (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html). */
export const bedrockAnthropicVersion = 'bedrock-2023-05-31';

const keys = new TopLevelKeys(['model', 'stream', 'anthropic_version', 'anthropic_beta'] as const);

/**
 * The InvokeModel body of a Messages API body: without its top-level `model` and `stream` (the path says both), with
 * `anthropic_version` and the client's `anthropic-beta` header values as `anthropic_beta` first; every other byte as
 * the client sent it (the prompt cache is keyed on them). A body that already carries `anthropic_version` or
 * `anthropic_beta` (a client speaking Bedrock's dialect) keeps its own.
 * @throws {BedrockError} `CCB_BEDROCK_BODY_INVALID` for a body that is not a JSON object
 */
export function bedrockRequestBody(body: Buffer, anthropicBeta: string | undefined): Buffer {
  const spans = scanTopLevel(body, keys);
  if (spans === undefined) {
    throw new BedrockError('CCB_BEDROCK_BODY_INVALID', 'the request body is not a JSON object');
  }
  const removed: Span[] = [];
  const model = spans.get('model');
  if (model !== undefined) removed.push(model);
  const stream = spans.get('stream');
  if (stream !== undefined) removed.push(stream);
  let prefix = '';
  if (spans.get('anthropic_version') === undefined) {
    prefix = `"anthropic_version":${JSON.stringify(bedrockAnthropicVersion)}`;
  }
  const betas = spans.get('anthropic_beta') === undefined ? betaList(anthropicBeta) : [];
  if (betas.length > 0) prefix += `${prefix === '' ? '' : ','}"anthropic_beta":${JSON.stringify(betas)}`;
  return removeMembers(body, removed, prefix);
}

/** The values of an `anthropic-beta` header (comma-separated), trimmed, empty ones dropped. */
function betaList(header: string | undefined): string[] {
  if (header === undefined) return [];
  const betas: string[] = [];
  for (const value of header.split(',')) {
    const trimmed = value.trim();
    if (trimmed !== '') betas.push(trimmed);
  }
  return betas;
}
