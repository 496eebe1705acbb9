import {
  context1mBeta,
  parseSpan,
  type RequestNeeds,
  type Span,
  serverToolNames,
  standardContextWindowInTokens,
} from '@ccb/protocol';
import type { RequestBodyInfo } from './request-body-info.js';

/** What a request depends on, and the no-op `context_management` member to drop for providers without it. */
export interface RequestNeedsReading {
  /** `undefined` when the request needs nothing special (routing then filters nothing). */
  readonly needs: RequestNeeds | undefined;
  /** Claude Code's keep-all `clear_thinking` value: removed, with its beta, for a provider without context management. */
  readonly noOpContextManagement: Span | undefined;
}

const nothing: RequestNeedsReading = Object.freeze({ needs: undefined, noOpContextManagement: undefined });

/** Every server tool's type ends in an underscore and a date (`web_search_20250305`): the one mark searched for. */
const dateMark = Buffer.from('_20');
const typeKey = Buffer.from('"type"');

/**
 * Reads what a Messages API request depends on that not every provider has (decision 0002: scan, don't parse):
 * server tools by their `"type":"<name>_<date>"` inside `tools` (a native search, no parse of the schemas),
 * `context_management` (a small value, parsed) unless it is Claude Code's no-op, and the 1M window when the request
 * asks for it and its estimate (`inputTokens`) exceeds the standard 200K window. Called only when some upstream lacks
 * a capability, so other setups pay nothing.
 */
export function readRequestNeeds(
  body: Buffer,
  info: RequestBodyInfo,
  anthropicBeta: string | undefined,
  inputTokens: number,
): RequestNeedsReading {
  const serverTools = info.toolsSpan === undefined ? undefined : serverToolsIn(body, info.toolsSpan);
  let contextManagement = false;
  let noOpContextManagement: Span | undefined;
  if (info.contextManagementSpan !== undefined) {
    if (isNoOpContextManagement(parseSpan(body, info.contextManagementSpan))) {
      noOpContextManagement = info.contextManagementSpan;
    } else contextManagement = true;
  }
  const context1m =
    inputTokens > standardContextWindowInTokens &&
    anthropicBeta !== undefined &&
    hasFlag(anthropicBeta, context1mBeta);
  if (serverTools === undefined && !contextManagement && !context1m) {
    return noOpContextManagement === undefined ? nothing : { needs: undefined, noOpContextManagement };
  }
  return {
    needs: {
      serverTools,
      contextManagement: contextManagement || undefined,
      context1m: context1m || undefined,
    },
    noOpContextManagement,
  };
}

/**
 * The server tools declared in the `tools` array at `span`, by name; `undefined` when none. One native search for the
 * date mark `_20` (rare in tool schemas), then each hit is checked: a known server tool name before it, back to an
 * opening quote that is the value of a `"type"` key. A search for each name would cost five passes (~20 µs each over
 * Claude Code's 40 KB of tools); this one costs about one microsecond.
 */
function serverToolsIn(body: Buffer, span: Span): string[] | undefined {
  // A view of the array alone: the search must not run on into the conversation after it.
  const tools = body.subarray(span[0], span[1]);
  let found: string[] | undefined;
  let at = tools.indexOf(dateMark);
  while (at !== -1) {
    const name = serverToolBefore(tools, at);
    if (name !== undefined && found?.includes(name) !== true) {
      found ??= [];
      found.push(name);
    }
    at = tools.indexOf(dateMark, at + dateMark.length);
  }
  return found;
}

/** The server tool whose type string runs from an opening quote to `markAt` (a `"type"` value), or `undefined`. */
function serverToolBefore(tools: Buffer, markAt: number): string | undefined {
  let quoteAt = markAt - 1;
  while (quoteAt >= 0 && isNameByte(tools[quoteAt])) quoteAt--;
  if (quoteAt < 0 || tools[quoteAt] !== 0x22 /* " */) return undefined;
  const name = tools.toString('latin1', quoteAt + 1, markAt);
  if (!(serverToolNames as readonly string[]).includes(name)) return undefined;
  return followsTypeKey(tools, quoteAt, 0) ? name : undefined;
}

/** a-z, 0-9 and `_`: the bytes of a server tool's name. */
function isNameByte(byte: number | undefined): boolean {
  return (
    byte !== undefined && ((byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x5f)
  );
}

/** Whether the string at `quoteAt` is the value of a `"type"` key (not text inside a description or a schema value). */
function followsTypeKey(body: Buffer, quoteAt: number, floor: number): boolean {
  let at = quoteAt - 1;
  while (at > floor && isWhitespace(body[at])) at--;
  if (at < floor || body[at] !== 0x3a /* : */) return false;
  at--;
  while (at > floor && isWhitespace(body[at])) at--;
  const keyStart = at - typeKey.length + 1;
  return keyStart >= floor && body.compare(typeKey, 0, typeKey.length, keyStart, at + 1) === 0;
}

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * Claude Code sends `{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]}` with every request: clearing no
 * thinking changes nothing, so it is no dependence (else its traffic could never fail over to a third party). Any
 * other edit, or any other member, is a real one.
 */
export function isNoOpContextManagement(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { edits, ...rest } = value as { edits?: unknown };
  if (Object.keys(rest).length > 0 || !Array.isArray(edits)) return false;
  return edits.every((edit: unknown) => {
    if (typeof edit !== 'object' || edit === null) return false;
    const { type, keep, ...others } = edit as { type?: unknown; keep?: unknown };
    if (Object.keys(others).length > 0 || type !== 'clear_thinking_20251015') return false;
    return (
      keep === 'all' ||
      (typeof keep === 'object' && keep !== null && (keep as { type?: unknown }).type === 'all')
    );
  });
}

/** Whether a comma-separated `anthropic-beta` value holds `flag`. */
function hasFlag(value: string, flag: string): boolean {
  for (const token of value.split(',')) if (token.trim() === flag) return true;
  return false;
}
