import { createHash } from 'node:crypto';
import {
  elementSpans,
  parseSpan,
  removeMembers,
  replaceSpan,
  type SessionRepairReport,
  type Span,
  scanTopLevel,
  TopLevelKeys,
} from '@ccb/protocol';

/** What the body is repaired for: the target's signature domain and tool-id rule. */
export interface RepairRules {
  readonly domain: string;
  /** Whether this thinking `signature` (or redacted_thinking `data`) is known to have been made in `domain`. */
  readonly signedHere: (signature: string) => boolean;
  /** The target's tool-id rule (`^[a-zA-Z0-9_-]+$` for Anthropic, Bedrock and Vertex). */
  readonly toolIdPattern: RegExp;
  /** Called when the body was read whole and nothing in it needed changing (not for a body ccb cannot read). */
  readonly onClean?: () => void;
}

/** A repaired body and what was changed in it. */
export interface RepairedBody {
  readonly body: Buffer;
  readonly report: SessionRepairReport;
}

/** One byte range replaced by other bytes (empty: removed). */
type Edit = readonly [start: number, end: number, replacement: string];

const requestKeys = new TopLevelKeys(['messages', 'thinking', 'context_management']);
const messageKeys = new TopLevelKeys(['role', 'content']);
const blockKeys = new TopLevelKeys(['type', 'signature', 'data', 'id', 'tool_use_id']);

/**
 * Makes a Messages API body valid for a provider of another signature domain, editing it in place so that every
 * byte not changed stays as the client sent it (formatting, key order, the prefix a prompt cache is keyed on):
 * - an assistant turn's `thinking` and `redacted_thinking` blocks are removed unless every one of them is known to
 *   be signed in the target's domain (the API refuses a foreign signature with a 400 "Invalid `signature` in
 *   `thinking` block", and accepts a turn without its thinking: Anthropic, "Extended thinking"); an assistant turn
 *   left empty is removed (the API joins the consecutive user turns around it);
 * - when thinking is on and the last assistant turn calls a tool but lost its leading thinking block, the API would
 *   answer 400 ("a final `assistant` message must start with a thinking block … To avoid this requirement, disable
 *   `thinking`"): thinking is turned off for this request (`thinking` removed, and the `clear_thinking_*` edits of
 *   `context_management` that need it);
 * - tool ids (`id` of `*tool_use` blocks, `tool_use_id` anywhere) that break the target's pattern are rewritten
 *   by {@link rewriteToolId}: the same id the same way in every turn.
 * Returns `undefined` when nothing needed changing (or the body is not one ccb can edit: the upstream judges it).
 */
export function repairSessionBody(body: Buffer, rules: RepairRules): RepairedBody | undefined {
  const top = scanTopLevel(body, requestKeys);
  const messagesSpan = top?.get('messages');
  if (top === undefined || messagesSpan === undefined) return undefined;
  const messages = elementSpans(body, messagesSpan);
  if (messages === undefined) return undefined;
  const rewritten = new Map<string, string | undefined>();
  const edits: Edit[] = [];
  const removedMessages: number[] = [];
  let thinkingRemoved = 0;
  let redactedThinkingRemoved = 0;
  let lastAssistant: { calls: boolean; keptThinking: boolean } | undefined;
  for (let index = 0; index < messages.length; index++) {
    const message = scanTopLevel(body, messageKeys, messages[index]);
    const contentSpan = message?.get('content');
    if (message === undefined || contentSpan === undefined) continue;
    const blocks = elementSpans(body, contentSpan);
    if (blocks === undefined) continue; // a string content: nothing to repair
    const assistant = parseSpan(body, message.get('role')) === 'assistant';
    const thinkingBlocks: number[] = [];
    let redacted = 0;
    let foreign = false;
    let calls = false;
    const blockEdits: Edit[] = [];
    for (let blockIndex = 0; blockIndex < blocks.length; blockIndex++) {
      const block = scanTopLevel(body, blockKeys, blocks[blockIndex]);
      if (block === undefined) continue;
      const type = parseSpan(body, block.get('type'));
      if (assistant && (type === 'thinking' || type === 'redacted_thinking')) {
        thinkingBlocks.push(blockIndex);
        if (type === 'redacted_thinking') redacted++;
        const proof = parseSpan(body, block.get(type === 'thinking' ? 'signature' : 'data'));
        if (typeof proof !== 'string' || !rules.signedHere(proof)) foreign = true;
        continue;
      }
      if (type === 'tool_use') calls = true;
      const idSpan = typeof type === 'string' && type.endsWith('tool_use') ? block.get('id') : undefined;
      for (const span of [idSpan, block.get('tool_use_id')]) {
        const edit = span === undefined ? undefined : idEdit(body, span, rules.toolIdPattern, rewritten);
        if (edit !== undefined) blockEdits.push(edit);
      }
    }
    // One response's thinking blocks go together: a turn keeps them all or none (a turn holding thinking must
    // start with it, so keeping a later one alone would be a 400 of its own).
    const removing = foreign ? thinkingBlocks : [];
    if (foreign) {
      redactedThinkingRemoved += redacted;
      thinkingRemoved += thinkingBlocks.length - redacted;
    }
    if (assistant) {
      lastAssistant = { calls, keptThinking: thinkingBlocks[0] === 0 && !foreign };
    }
    if (assistant && removing.length === blocks.length && blocks.length > 0) {
      removedMessages.push(index);
      continue;
    }
    edits.push(...blockEdits, ...removalEdits(blocks, removing));
  }
  edits.push(...removalEdits(messages, removedMessages));
  // Also when that turn never had thinking (a third party that answers tool calls without it): the target refuses it
  // just the same ("Expected `thinking` or `redacted_thinking`, but found `tool_use`").
  const thinkingDisabled =
    lastAssistant?.calls === true &&
    !lastAssistant.keptThinking &&
    thinkingOn(parseSpan(body, top.get('thinking')));
  if (edits.length === 0 && !thinkingDisabled) {
    rules.onClean?.();
    return undefined;
  }
  let repaired = applyEdits(body, edits);
  if (thinkingDisabled) repaired = withoutThinking(repaired);
  return {
    body: repaired,
    report: {
      domain: rules.domain,
      thinkingRemoved,
      redactedThinkingRemoved,
      messagesRemoved: removedMessages.length,
      toolIdsRewritten: [...rewritten.values()].filter((id) => id !== undefined).length,
      thinkingDisabled,
    },
  };
}

/**
 * The id to send instead of `id` when it breaks `pattern`, else `undefined`. Every character outside
 * `[A-Za-z0-9_-]` becomes `_`, and `_` plus 8 characters of the id's SHA-256 (base64url) are appended, so two ids
 * that differ only in those characters (`a.b`, `a:b`) stay apart; a function of the id alone, so every later turn,
 * and any other ccb, rewrites it the same way. When even that breaks a stricter custom pattern: `toolu_` and hex.
 */
export function rewriteToolId(id: string, pattern: RegExp): string | undefined {
  if (pattern.test(id)) return undefined;
  const hash = createHash('sha256').update(id).digest();
  const readable = `${id.replace(/[^a-zA-Z0-9_-]/g, '_')}_${hash.toString('base64url').slice(0, 8)}`;
  if (pattern.test(readable)) return readable;
  return `toolu_${hash.toString('hex').slice(0, 24)}`;
}

function idEdit(
  body: Buffer,
  span: Span,
  pattern: RegExp,
  rewritten: Map<string, string | undefined>,
): Edit | undefined {
  const id = parseSpan(body, span);
  if (typeof id !== 'string') return undefined;
  let replacement = rewritten.get(id);
  if (!rewritten.has(id)) {
    replacement = rewriteToolId(id, pattern);
    rewritten.set(id, replacement);
  }
  return replacement === undefined ? undefined : [span[0], span[1], JSON.stringify(replacement)];
}

/**
 * The edits that remove the elements at `removed` (ascending) of an array whose elements are `elements`: each with
 * the comma that joins it to a kept neighbour, so the array stays well-formed and the rest untouched.
 */
function removalEdits(elements: readonly Span[], removed: readonly number[]): Edit[] {
  if (removed.length === 0) return [];
  if (removed.length === elements.length) {
    return [[(elements[0] as Span)[0], (elements[elements.length - 1] as Span)[1], '']];
  }
  const gone = new Set(removed);
  let firstKept = 0;
  while (gone.has(firstKept)) firstKept++;
  return removed.map((index): Edit => {
    const element = elements[index] as Span;
    // Before the first kept element: cut up to the next element's start; after it: from the previous one's end.
    return index < firstKept
      ? [element[0], (elements[index + 1] as Span)[0], '']
      : [(elements[index - 1] as Span)[1], element[1], ''];
  });
}

/** `body` with the non-overlapping `edits` applied, in one copy. */
function applyEdits(body: Buffer, edits: Edit[]): Buffer {
  if (edits.length === 0) return body;
  edits.sort((left, right) => left[0] - right[0]);
  const parts: Buffer[] = [];
  let from = 0;
  for (const [start, end, replacement] of edits) {
    parts.push(body.subarray(from, start));
    if (replacement !== '') parts.push(Buffer.from(replacement));
    from = end;
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}

function thinkingOn(thinking: unknown): boolean {
  return (
    typeof thinking === 'object' && thinking !== null && (thinking as { type?: unknown }).type !== 'disabled'
  );
}

/**
 * The body with thinking off: `thinking` removed, and the `context_management` edits that need it on
 * (`clear_thinking_*`: "requires thinking to be enabled") removed with it, `context_management` itself when no edit
 * is left. That member is re-serialised (it is a few bytes); every other byte stays.
 */
function withoutThinking(body: Buffer): Buffer {
  let top = scanTopLevel(body, requestKeys);
  const managementSpan = top?.get('context_management');
  let current = body;
  const removed: Span[] = [];
  if (managementSpan !== undefined) {
    const management = parseSpan(body, managementSpan) as { edits?: unknown } | undefined;
    const edits = Array.isArray(management?.edits) ? management.edits : undefined;
    const kept = edits?.filter(
      (edit) => !String((edit as { type?: unknown })?.type).startsWith('clear_thinking'),
    );
    if (edits !== undefined && kept !== undefined && kept.length !== edits.length) {
      if (kept.length === 0) removed.push(managementSpan);
      else {
        current = replaceSpan(current, managementSpan, { ...management, edits: kept });
        top = scanTopLevel(current, requestKeys);
      }
    }
  }
  const thinkingSpan = top?.get('thinking');
  if (thinkingSpan !== undefined) removed.push(thinkingSpan);
  return removed.length === 0 ? current : removeMembers(current, removed);
}
