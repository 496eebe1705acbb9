// The API renders a prompt as tools, then system, then messages (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
// Every top-level block there is a possible cache boundary; the blocks carrying `cache_control` are breakpoints.

/**
 * Called per block in prompt order. `block` is the block as sent, or a string standing for a text block
 * (`system: "…"` or a message's `content: "…"`); `tag` names the section (`tools`, `system`) or the
 * message role, so equal JSON in different places hashes differently. Return false to stop the walk.
 */
export type PromptBlockVisitor = (block: unknown, tag: string, index: number) => boolean;

/**
 * Visits one section's blocks from `start`; returns the next index, or -1 once the visitor stopped.
 * A string stands for one text block where the API allows it (system, message content; not tools).
 */
function visitList(
  list: unknown,
  tag: string,
  visit: PromptBlockVisitor,
  start: number,
  stringAllowed = true,
): number {
  if (typeof list === 'string' && stringAllowed) return visit(list, tag, start) ? start + 1 : -1;
  if (!Array.isArray(list)) return start;
  let index = start;
  for (const block of list) {
    if (!visit(block, tag, index)) return -1;
    index++;
  }
  return index;
}

/**
 * Walks the blocks of a Messages request body in the API's canonical order: `tools` in order, `system`
 * (a string or text blocks), then each message's content blocks. Anything malformed is skipped, not
 * rejected: validation is not this walk's job.
 */
export function forEachPromptBlock(body: Record<string, unknown>, visit: PromptBlockVisitor): void {
  let index = visitList(body.tools, 'tools', visit, 0, false);
  if (index === -1) return;
  index = visitList(body.system, 'system', visit, index);
  if (index === -1 || !Array.isArray(body.messages)) return;
  for (const message of body.messages) {
    if (typeof message !== 'object' || message === null) continue;
    const { role, content } = message as { role?: unknown; content?: unknown };
    index = visitList(content, typeof role === 'string' ? role : 'message', visit, index);
    if (index === -1) return;
  }
}

/** The `cache_control` a block carries, or undefined (strings never carry one). */
export function cacheControlOf(block: unknown): unknown {
  if (typeof block !== 'object' || block === null) return undefined;
  const cacheControl = (block as { cache_control?: unknown }).cache_control;
  return cacheControl === null ? undefined : cacheControl;
}
