import { anthropicSnapshotId } from '@ccb/protocol';

/**
 * The Bedrock model id of an Anthropic model id: `anthropic.<snapshot>-v1:0`
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html), the snapshot from `@ccb/protocol`'s
 * alias table. A request for a model not listed goes to Bedrock under its own name (a Bedrock id or an inference
 * profile such as `us.anthropic.…` passes through); a provider's `model_map` wins over this.
 */
export function bedrockModelId(model: string): string {
  const snapshot = anthropicSnapshotId(model);
  return snapshot === undefined ? model : `anthropic.${snapshot}-v1:0`;
}
