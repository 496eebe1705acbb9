// Decides what the mock answers to a (validated) Messages request: deterministic, so tests can assert it.

/** The one content block of a mock reply, with its stream deltas precomputed. */
export type ReplyBlock =
  | { readonly type: 'text'; readonly text: string; readonly chunks: readonly string[] }
  | {
      readonly type: 'tool_use';
      readonly name: string;
      readonly input: Readonly<Record<string, unknown>>;
      /** Pieces of `JSON.stringify(input)`, sent as `input_json_delta.partial_json`. */
      readonly chunks: readonly string[];
    };

/** The prompt-cache part of a reply's usage; {@link noCacheTokens} unless the cache simulation is on. */
export interface CacheTokens {
  readonly readInputTokens: number;
  readonly creation5mInputTokens: number;
  readonly creation1hInputTokens: number;
}

/** All-zero cache usage: the reply of a mock without the prompt cache simulation, and of lean mode. */
export const noCacheTokens: CacheTokens = Object.freeze({
  readInputTokens: 0,
  creation5mInputTokens: 0,
  creation1hInputTokens: 0,
});

/** A thinking block leading a reply (the request had thinking on), already signed in the mock's domain. */
export type ThinkingBlock =
  | {
      readonly type: 'thinking';
      /** The thinking shown (`""` with `thinking.display: "omitted"`), sent as `thinking_delta`s. */
      readonly text: string;
      readonly chunks: readonly string[];
      readonly signature: string;
    }
  | { readonly type: 'redacted_thinking'; readonly data: string };

/** Everything needed to render a reply as JSON or as an SSE stream. */
export interface ReplyPlan {
  readonly model: string;
  /** A thinking block before `block`; absent without thinking. */
  readonly thinking?: ThinkingBlock | undefined;
  readonly block: ReplyBlock;
  readonly stopReason: 'end_turn' | 'tool_use';
  /** `usage.input_tokens`: the whole request's estimate, less what the prompt cache read or created. */
  readonly inputTokens: number;
  readonly cache: CacheTokens;
  /** Equals the number of deltas, streamed or not, so both modes report the same usage. */
  readonly outputTokens: number;
}

/** What {@link planReply} needs besides the request. */
export interface ReplySettings {
  readonly name: string;
  /** Overrides the default `Hello from <name>!`. */
  readonly replyText: string | undefined;
  /** Number of deltas a block is split into; at least 1. */
  readonly streamEvents: number;
}

/** Deterministic input-token estimate from the request size: one token per 4 bytes, at least 1. */
export function estimateInputTokens(bodyByteLength: number): number {
  return Math.max(1, Math.ceil(bodyByteLength / 4));
}

/**
 * Splits `text` into exactly `count` consecutive pieces of near-equal length (by code point, so no
 * surrogate pair is cut). Pieces may be empty when the text is shorter than `count`.
 */
export function splitIntoChunks(text: string, count: number): string[] {
  const codePoints = Array.from(text);
  const chunks: string[] = [];
  for (let index = 0; index < count; index++) {
    const start = Math.floor((index * codePoints.length) / count);
    const end = Math.floor(((index + 1) * codePoints.length) / count);
    chunks.push(codePoints.slice(start, end).join(''));
  }
  return chunks;
}

/** The default reply text for a mock called `name`. */
export function defaultReplyText(name: string): string {
  return `Hello from ${name}!`;
}

/** A text-only plan: the whole of lean mode and the fallback of {@link planReply}. */
export function planTextReply(
  model: string,
  text: string,
  inputTokens: number,
  streamEvents: number,
): ReplyPlan {
  return {
    model,
    block: { type: 'text', text, chunks: splitIntoChunks(text, streamEvents) },
    stopReason: 'end_turn',
    inputTokens,
    cache: noCacheTokens,
    outputTokens: streamEvents,
  };
}

interface ToolDefinition {
  readonly name: string;
  readonly input_schema?: unknown;
}

interface LastUserTurn {
  readonly text: string;
  readonly toolResultId: string | undefined;
}

function readLastUserTurn(messages: readonly unknown[]): LastUserTurn {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as { role?: unknown; content?: unknown } | null;
    if (message === null || typeof message !== 'object' || message.role !== 'user') continue;
    if (typeof message.content === 'string') return { text: message.content, toolResultId: undefined };
    let text = '';
    let toolResultId: string | undefined;
    if (Array.isArray(message.content)) {
      for (const block of message.content as Array<{
        type?: unknown;
        text?: unknown;
        tool_use_id?: unknown;
      }>) {
        if (block?.type === 'text' && typeof block.text === 'string') text += block.text;
        else if (block?.type === 'tool_result') toolResultId = String(block.tool_use_id ?? '');
      }
    }
    return { text, toolResultId };
  }
  return { text: '', toolResultId: undefined };
}

function sampleValue(schema: unknown, propertyName: string): unknown {
  const type = (schema as { type?: unknown } | null)?.type;
  switch (type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return `mock ${propertyName}`;
  }
}

/** A small deterministic input: every required property (or else the first one) filled by its type. */
export function sampleToolInput(inputSchema: unknown): Record<string, unknown> {
  const schema = inputSchema as { properties?: unknown; required?: unknown } | null | undefined;
  const properties =
    schema && typeof schema.properties === 'object' && schema.properties !== null
      ? (schema.properties as Record<string, unknown>)
      : {};
  const required = Array.isArray(schema?.required)
    ? (schema.required as unknown[]).filter((name): name is string => typeof name === 'string')
    : [];
  const names = required.length > 0 ? required : Object.keys(properties).slice(0, 1);
  const input: Record<string, unknown> = {};
  for (const name of names) input[name] = sampleValue(properties[name], name);
  return input;
}

function pickTool(body: Record<string, unknown>, lastTurn: LastUserTurn): ToolDefinition | undefined {
  const tools = body.tools;
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const choice = body.tool_choice as { type?: unknown; name?: unknown } | undefined;
  const firstTool = tools[0] as ToolDefinition;
  if (choice?.type === 'tool') {
    return (tools as ToolDefinition[]).find((tool) => tool?.name === choice.name) ?? firstTool;
  }
  if (choice?.type === 'any') return firstTool;
  if (choice?.type === 'none' || lastTurn.toolResultId !== undefined) return undefined;
  return /use tool/i.test(lastTurn.text) ? firstTool : undefined;
}

/**
 * Plans the reply to a validated Messages request body: a forced `tool_choice` (`tool`/`any`), or
 * "use tool" in the last user text with `tools` present, gives a `tool_use` of the first (or named)
 * tool; a last user turn holding a `tool_result` gives a text acknowledging it; anything else the
 * reply text.
 */
export function planReply(
  body: Record<string, unknown>,
  bodyByteLength: number,
  settings: ReplySettings,
): ReplyPlan {
  const model = body.model as string;
  const inputTokens = estimateInputTokens(bodyByteLength);
  const lastTurn = readLastUserTurn(body.messages as unknown[]);
  const tool = pickTool(body, lastTurn);
  if (tool !== undefined) {
    const input = sampleToolInput(tool.input_schema);
    return {
      model,
      block: {
        type: 'tool_use',
        name: String(tool.name),
        input,
        chunks: splitIntoChunks(JSON.stringify(input), settings.streamEvents),
      },
      stopReason: 'tool_use',
      inputTokens,
      cache: noCacheTokens,
      outputTokens: settings.streamEvents,
    };
  }
  const text =
    lastTurn.toolResultId !== undefined
      ? `${settings.name} received the result of tool call ${lastTurn.toolResultId}.`
      : (settings.replyText ?? defaultReplyText(settings.name));
  return planTextReply(model, text, inputTokens, settings.streamEvents);
}
