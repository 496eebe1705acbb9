import { verifyRedacted, verifyThinking } from './thinking-signatures.js';

/** Anthropic's rule for tool_use ids. */
const anthropicToolIdPattern = /^[a-zA-Z0-9_-]+$/;
const anthropicToolIdSource = '^[a-zA-Z0-9_-]+$';

/** How a mock judges the history of a Messages request. */
export interface ConversationRules {
  /** The mock's signature domain: thinking blocks must be signed there. */
  readonly signatureDomain: string;
  /** Tool ids must match `^[a-zA-Z0-9_-]+$` (Anthropic, Bedrock, Vertex); a third party may accept others. */
  readonly strictToolIds: boolean;
}

type Block = {
  type?: unknown;
  thinking?: unknown;
  signature?: unknown;
  data?: unknown;
  id?: unknown;
  tool_use_id?: unknown;
};

/**
 * The 400 message the real API gives a conversation it refuses, or `undefined`. The messages are the API's own
 * (public reports, docs/session-repair.md): a thinking block signed elsewhere or altered, "messages.N.content.M:
 * Invalid `signature` in `thinking` block"; a tool id outside the pattern, "…tool_use.id: String should match
 * pattern '^[a-zA-Z0-9_-]+$'"; thinking on while the last assistant turn calls a tool without starting with its
 * thinking, "…Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, …".
 */
export function checkConversation(
  body: Record<string, unknown>,
  rules: ConversationRules,
): string | undefined {
  const messages = body.messages as unknown[];
  let lastAssistant = -1;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as { role?: unknown; content?: unknown } | null;
    if (message?.role === 'assistant') lastAssistant = index;
    if (!Array.isArray(message?.content)) continue;
    const blocks = message.content as (Block | null)[];
    for (let blockIndex = 0; blockIndex < blocks.length; blockIndex++) {
      const block = blocks[blockIndex];
      const at = `messages.${index}.content.${blockIndex}`;
      if (block?.type === 'thinking' && message.role === 'assistant') {
        if (!verifyThinking(rules.signatureDomain, String(block.thinking ?? ''), block.signature)) {
          return `${at}: Invalid \`signature\` in \`thinking\` block`;
        }
      } else if (block?.type === 'redacted_thinking' && message.role === 'assistant') {
        if (!verifyRedacted(rules.signatureDomain, block.data)) {
          return `${at}: Invalid \`data\` in \`redacted_thinking\` block`;
        }
      } else if (rules.strictToolIds && block?.type === 'tool_use' && !validId(block.id)) {
        return `${at}.tool_use.id: String should match pattern '${anthropicToolIdSource}'`;
      } else if (rules.strictToolIds && block?.type === 'tool_result' && !validId(block.tool_use_id)) {
        return `${at}.tool_result.tool_use_id: String should match pattern '${anthropicToolIdSource}'`;
      }
    }
  }
  if (!thinkingOn(body.thinking) || lastAssistant === -1) return undefined;
  const content = (messages[lastAssistant] as { content?: unknown }).content;
  if (!Array.isArray(content) || !content.some((block) => (block as Block | null)?.type === 'tool_use')) {
    return undefined;
  }
  const first = (content[0] as Block | null)?.type;
  if (first === 'thinking' || first === 'redacted_thinking') return undefined;
  return `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
}

/** Extended thinking is on: `thinking` present and not `disabled`. */
export function thinkingOn(thinking: unknown): boolean {
  return (
    typeof thinking === 'object' && thinking !== null && (thinking as { type?: unknown }).type !== 'disabled'
  );
}

function validId(id: unknown): boolean {
  return typeof id === 'string' && anthropicToolIdPattern.test(id);
}
