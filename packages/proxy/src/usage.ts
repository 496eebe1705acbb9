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
