import { lastMemberSpan } from './_last-member-span.js';
import { numberAt, type Span, scanTopLevel, TopLevelKeys } from './scan-json.js';

/** Token usage of one response, as Anthropic reports it (all counts in tokens). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** Part of the cache creation written with the 5-minute TTL, when the upstream says. */
  cacheCreation5mInputTokens?: number;
  /** Part of the cache creation written with the 1-hour TTL, when the upstream says. */
  cacheCreation1hInputTokens?: number;
  /**
   * `true` when `outputTokens` is ccb's estimate, not the upstream's count: a stream that was cancelled or cut before
   * its final `message_delta` (see {@link estimateTokens}).
   */
  outputEstimated?: boolean;
}

/** Bytes of text per token, for estimates: Claude's tokenizer averages about 3.5–4 characters of English per token. */
const bytesPerToken = 4;

/**
 * Tokens in `textBytes` bytes of generated text, estimated: for a stream that ended before the upstream said how many
 * it generated. Errs low on code and non-English text (more tokens per byte), never by an order of magnitude.
 */
export function estimateTokens(textBytes: number): number {
  return Math.ceil(textBytes / bytesPerToken);
}

/** A zero usage record to fill in. */
export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
}

/**
 * Copies the counts present in an Anthropic `usage` object into `usage`. Fields absent from `source` keep their
 * value: `message_delta` usage is cumulative and may repeat or omit the input fields.
 */
export function mergeUsage(usage: Usage, source: unknown): void {
  if (typeof source !== 'object' || source === null) return;
  const fields = source as Record<string, unknown>;
  if (typeof fields.input_tokens === 'number') usage.inputTokens = fields.input_tokens;
  if (typeof fields.output_tokens === 'number') usage.outputTokens = fields.output_tokens;
  if (typeof fields.cache_creation_input_tokens === 'number')
    usage.cacheCreationInputTokens = fields.cache_creation_input_tokens;
  if (typeof fields.cache_read_input_tokens === 'number')
    usage.cacheReadInputTokens = fields.cache_read_input_tokens;
  const creation = fields.cache_creation;
  if (typeof creation === 'object' && creation !== null) {
    const { ephemeral_5m_input_tokens: fiveMinutes, ephemeral_1h_input_tokens: oneHour } = creation as Record<
      string,
      unknown
    >;
    if (typeof fiveMinutes === 'number') usage.cacheCreation5mInputTokens = fiveMinutes;
    if (typeof oneHour === 'number') usage.cacheCreation1hInputTokens = oneHour;
  }
}

const usageKeys = new TopLevelKeys([
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'cache_creation',
]);
const cacheCreationKeys = new TopLevelKeys(['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens']);

/**
 * The usage in the JSON object at `span` of `body` (a response's `usage`), read with the structural scan instead
 * of `JSON.parse`: the same counts as `mergeUsage(emptyUsage(), JSON.parse(...))`. `undefined` when the value
 * there is not an object.
 */
export function readUsage(body: Buffer, span: Span): Usage | undefined {
  const fields = scanTopLevel(body, usageKeys, span);
  if (fields === undefined) return undefined;
  const usage = emptyUsage();
  usage.inputTokens = numberAt(body, fields.get('input_tokens')) ?? 0;
  usage.outputTokens = numberAt(body, fields.get('output_tokens')) ?? 0;
  usage.cacheCreationInputTokens = numberAt(body, fields.get('cache_creation_input_tokens')) ?? 0;
  usage.cacheReadInputTokens = numberAt(body, fields.get('cache_read_input_tokens')) ?? 0;
  const creationSpan = fields.get('cache_creation');
  const creation =
    creationSpan === undefined ? undefined : scanTopLevel(body, cacheCreationKeys, creationSpan);
  if (creation !== undefined) {
    const fiveMinutes = numberAt(body, creation.get('ephemeral_5m_input_tokens'));
    const oneHour = numberAt(body, creation.get('ephemeral_1h_input_tokens'));
    if (fiveMinutes !== undefined) usage.cacheCreation5mInputTokens = fiveMinutes;
    if (oneHour !== undefined) usage.cacheCreation1hInputTokens = oneHour;
  }
  return usage;
}

const responseKeys = new TopLevelKeys(['usage']);
const usageKey = Buffer.from('usage');

/**
 * The usage of a whole non-streaming response body, or `undefined` when it has none. Only the `usage` object is
 * read. The API puts it last, where it is found without walking the content (possibly large); anywhere else, the
 * forward scan skips the content.
 */
export function readResponseUsage(body: Buffer): Usage | undefined {
  const span = lastMemberSpan(body, usageKey) ?? scanTopLevel(body, responseKeys)?.get('usage');
  return span === undefined ? undefined : readUsage(body, span);
}
