import { hash } from 'node:crypto';
import {
  firstElement,
  isTrue,
  parseSpan,
  type Span,
  scanTopLevel,
  TopLevelKeys,
  type TopLevelSpans,
  withoutMembersNamed,
} from '@ccb/protocol';

/** What the proxy reads from a Messages API body: routing needs the model and traits, accounting the rest. */
export interface RequestBodyInfo {
  readonly model: string | undefined;
  /** Where the model string sits in the body, so a provider's model name can replace it byte-exactly. */
  readonly modelSpan: Span | undefined;
  readonly stream: boolean;
  /** Extended thinking is on (`thinking` present and not `disabled`). */
  readonly thinking: boolean;
  /**
   * The Claude Code session: `session_id` inside `metadata.user_id` (a JSON string), else a stable hash of the
   * system prompt and first message, which do not change from turn to turn. `undefined` when neither exists.
   */
  readonly sessionKey: string | undefined;
  /** Where `tools` is (read for server tools only when some provider lacks them). */
  readonly toolsSpan: Span | undefined;
  /** Where `context_management` is (read only when some provider lacks it). */
  readonly contextManagementSpan: Span | undefined;
}

const requestKeys = new TopLevelKeys([
  'model',
  'stream',
  'thinking',
  'metadata',
  'system',
  'messages',
  'tools',
  'context_management',
]);
type RequestKey = (typeof requestKeys.names)[number];

/**
 * Reads what routing needs from a Messages API body without parsing the conversation: a structural scan finds
 * the top-level fields and only small values are decoded. Returns `undefined` when the body is not a JSON
 * object, so the caller can answer 400 itself instead of spending an upstream call on it.
 */
export function readRequestBodyInfo(body: Buffer, sessionHeader?: string): RequestBodyInfo | undefined {
  const fields = scanTopLevel(body, requestKeys);
  if (fields === undefined) return undefined;
  const modelSpan = fields.get('model');
  const model = parseSpan(body, modelSpan);
  const thinking = parseSpan(body, fields.get('thinking'));
  return {
    model: typeof model === 'string' ? model : undefined,
    modelSpan: typeof model === 'string' ? modelSpan : undefined,
    stream: isTrue(body, fields.get('stream')),
    thinking:
      typeof thinking === 'object' &&
      thinking !== null &&
      (thinking as { type?: unknown }).type !== 'disabled',
    sessionKey:
      sessionHeader ||
      sessionFromMetadata(parseSpan(body, fields.get('metadata'))) ||
      conversationHash(body, fields),
    toolsSpan: fields.get('tools'),
    contextManagementSpan: fields.get('context_management'),
  };
}

function sessionFromMetadata(metadata: unknown): string | undefined {
  const userId = (metadata as { user_id?: unknown } | null | undefined)?.user_id;
  if (typeof userId !== 'string' || userId === '') return undefined;
  if (userId.charCodeAt(0) === 123 /* '{' */) {
    try {
      const sessionId = (JSON.parse(userId) as { session_id?: unknown }).session_id;
      if (typeof sessionId === 'string' && sessionId !== '') return sessionId;
    } catch {
      // Older Claude Code builds used other formats: fall through and treat the value as opaque.
    }
  }
  // e.g. "user_<hash>_account__session_<uuid>" in older builds: the whole value is stable per session.
  return userId;
}

/** Between the system prompt's bytes and the first message's in the hashed key: no valid JSON holds a raw NUL. */
const partSeparator = Buffer.from([0]);

/**
 * A stable key for a conversation without a session id: its system prompt and first message, which do not change
 * from turn to turn, hashed as the client sent them less their `cache_control` members (Claude Code marks the last
 * message, so the marker moves). Hashed as bytes: parsing and serialising them again cost ~45 µs per request for a
 * 14 KB system prompt, more than the scan of the whole 200 KB body.
 */
function conversationHash(body: Buffer, fields: TopLevelSpans<RequestKey>): string | undefined {
  const system = fields.get('system');
  const messages = fields.get('messages');
  const first = messages === undefined ? undefined : firstElement(body, messages);
  if (system === undefined && first === undefined) return undefined;
  const pieces = system === undefined ? [] : withoutMembersNamed(body, system, 'cache_control');
  pieces.push(partSeparator);
  if (first !== undefined) pieces.push(...withoutMembersNamed(body, first, 'cache_control'));
  return `h:${hash('sha256', Buffer.concat(pieces), 'base64url').slice(0, 22)}`;
}
