import { removeMembers, replaceSpan, type Span, scanTopLevel, TopLevelKeys } from '@ccb/protocol';
import { VertexError } from './vertex-error.js';

/** The Messages API version Vertex wants in the body (https://docs.anthropic.com/en/api/claude-on-vertex-ai). */
export const vertexAnthropicVersion = 'vertex-2023-10-16';

const keys = new TopLevelKeys(['model', 'anthropic_version'] as const);
const versionMember = `"anthropic_version":${JSON.stringify(vertexAnthropicVersion)}`;

function spansOf(body: Buffer) {
  const spans = scanTopLevel(body, keys);
  if (spans === undefined) {
    throw new VertexError('CCB_VERTEX_BODY_INVALID', 'the request body is not a JSON object');
  }
  return spans;
}

/**
 * The rawPredict body of a Messages API body: without its top-level `model` (the path names it), with
 * `anthropic_version` first unless the body has one; `stream` stays (streamRawPredict wants it) and `anthropic-beta`
 * stays a header. Every other byte is the client's (the prompt cache is keyed on them).
 * @throws {VertexError} `CCB_VERTEX_BODY_INVALID` for a body that is not a JSON object
 */
export function vertexRequestBody(body: Buffer): Buffer {
  const spans = spansOf(body);
  const model = spans.get('model');
  const removed: Span[] = model === undefined ? [] : [model];
  const prefix = spans.get('anthropic_version') === undefined ? versionMember : '';
  if (removed.length === 0 && prefix === '') return body;
  return removeMembers(body, removed, prefix);
}

/**
 * The count-tokens body of a `count_tokens` body: Google's count-tokens endpoint takes the model in the body
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/count-tokens), so `model` stays, as
 * `modelId` (the Vertex id); `anthropic_version` is added as the Vertex SDK adds it to every body.
 * @throws {VertexError} `CCB_VERTEX_BODY_INVALID` for a body that is not a JSON object
 */
export function vertexCountTokensBody(body: Buffer, modelId: string): Buffer {
  const spans = spansOf(body);
  const model = spans.get('model');
  let rewritten = body;
  if (model !== undefined && body.toString('utf8', model[0], model[1]) !== JSON.stringify(modelId)) {
    rewritten = replaceSpan(body, model, modelId);
  }
  if (spans.get('anthropic_version') !== undefined) return rewritten;
  return removeMembers(rewritten, [], versionMember);
}
