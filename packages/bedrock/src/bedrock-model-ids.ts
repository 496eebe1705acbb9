/**
 * Anthropic model ids as Bedrock names them (https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html).
 * A request for a model not listed goes to Bedrock under its own name (a Bedrock id or an inference profile such as
 * `us.anthropic.…` passes through); a provider's `model_map` wins over this table. Aliases and dated ids both map.
 */
const bedrockIds: Readonly<Record<string, string>> = {
  'claude-opus-4-1': 'anthropic.claude-opus-4-1-20250805-v1:0',
  'claude-opus-4-1-20250805': 'anthropic.claude-opus-4-1-20250805-v1:0',
  'claude-opus-4-0': 'anthropic.claude-opus-4-20250514-v1:0',
  'claude-opus-4-20250514': 'anthropic.claude-opus-4-20250514-v1:0',
  'claude-sonnet-4-5': 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'claude-sonnet-4-5-20250929': 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  'claude-sonnet-4-0': 'anthropic.claude-sonnet-4-20250514-v1:0',
  'claude-sonnet-4-20250514': 'anthropic.claude-sonnet-4-20250514-v1:0',
  'claude-3-7-sonnet-latest': 'anthropic.claude-3-7-sonnet-20250219-v1:0',
  'claude-3-7-sonnet-20250219': 'anthropic.claude-3-7-sonnet-20250219-v1:0',
  'claude-haiku-4-5': 'anthropic.claude-haiku-4-5-20251001-v1:0',
  'claude-haiku-4-5-20251001': 'anthropic.claude-haiku-4-5-20251001-v1:0',
  'claude-3-5-haiku-latest': 'anthropic.claude-3-5-haiku-20241022-v1:0',
  'claude-3-5-haiku-20241022': 'anthropic.claude-3-5-haiku-20241022-v1:0',
};

/** The Bedrock model id of an Anthropic model id; anything else (already a Bedrock id) unchanged. */
export function bedrockModelId(model: string): string {
  return bedrockIds[model] ?? model;
}
