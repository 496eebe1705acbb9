import { thinkingOn } from './check-conversation.js';
import type { MockContext } from './mock-context.js';
import { type ReplyPlan, splitIntoChunks } from './reply-plan.js';
import { redactedData, signThinking } from './thinking-signatures.js';

/**
 * The string Anthropic documents for testing redacted thinking: a request whose messages carry it gets a
 * `redacted_thinking` block instead of a `thinking` one (Anthropic, "Extended thinking", thinking redaction).
 */
export const redactedThinkingTrigger =
  'ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253';

/**
 * `plan` with a leading thinking block signed in the mock's domain when the request has thinking on, else `plan`
 * itself. `nonce` (the reply's message id) makes each block's signature unique. The thinking deltas count as output
 * tokens, one per delta, like the reply's own.
 */
export function withThinking(
  plan: ReplyPlan,
  body: Record<string, unknown>,
  context: Pick<MockContext, 'name' | 'signatureDomain' | 'streamEvents'>,
  nonce: string,
): ReplyPlan {
  if (!thinkingOn(body.thinking)) return plan;
  const messages = body.messages as unknown[];
  if (JSON.stringify(messages.at(-1) ?? null).includes(redactedThinkingTrigger)) {
    return {
      ...plan,
      thinking: { type: 'redacted_thinking', data: redactedData(context.signatureDomain, nonce) },
    };
  }
  const omitted = (body.thinking as { display?: unknown }).display === 'omitted';
  const text = omitted ? '' : `${context.name} thinks about turn ${messages.length} before answering.`;
  const chunks = omitted ? [] : splitIntoChunks(text, context.streamEvents);
  return {
    ...plan,
    thinking: {
      type: 'thinking',
      text,
      chunks,
      signature: signThinking(context.signatureDomain, text, nonce),
    },
    outputTokens: plan.outputTokens + chunks.length,
  };
}

/** The id of a new tool_use block: `toolu_…`, or a third party's `functions.<name>:<n>` (Kimi's style). */
export function newToolUseId(context: MockContext, toolName: string): string {
  if (context.toolIdStyle === 'functions') return `functions.${toolName}:${context.toolCalls++}`;
  return context.ids.toolUseId();
}
