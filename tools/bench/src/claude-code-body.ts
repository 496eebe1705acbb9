/**
 * Request bodies shaped like Claude Code's: a system prompt in blocks with `cache_control`, a tool list with JSON
 * schemas, `metadata.user_id` carrying the session, and a conversation of tool calls whose results are source files
 * (full of `\n` and `\"` escapes, which a JSON scanner must step through). Size comes from the exchanges, so the
 * same generator gives a 50 KB first turn, a 200 KB mid-session turn, or a conversation growing turn by turn.
 *
 * `model`, `max_tokens` and `stream` come first: the mock upstream in bench mode reads only a body's first bytes.
 * Every string is built once per session; a body is a concatenation of prebuilt bytes.
 */

/** The model every bench request names. */
export const benchModel = 'claude-sonnet-4-6';

/** Bytes of one exchange (an assistant tool call and the user's tool result), about. */
export const exchangeSizeInBytes = 12 * 1024;

const toolNames = [
  'Task',
  'Bash',
  'Glob',
  'Grep',
  'LS',
  'ExitPlanMode',
  'Read',
  'Edit',
  'MultiEdit',
  'Write',
  'NotebookEdit',
  'WebFetch',
  'TodoWrite',
  'WebSearch',
  'BashOutput',
  'KillShell',
];

const prose =
  'Use the tools available to you to assist the user with software engineering tasks. Prefer editing existing files. Keep answers short and precise, cite file paths with line numbers, and run the tests before you say a change is done. ';

function tool(name: string, index: number): Record<string, unknown> {
  return {
    name,
    description: `${name}: ${prose.repeat(4)}`,
    input_schema: {
      type: 'object',
      properties: {
        file_path: { type: 'string', description: `The absolute path of the file (${index}).` },
        pattern: { type: 'string', description: 'A glob or regular expression to search for.' },
        limit: { type: 'number', description: 'How many lines to read at most.' },
        replace_all: { type: 'boolean', default: false, description: 'Replace every occurrence.' },
        edits: {
          type: 'array',
          items: {
            type: 'object',
            properties: { old_string: { type: 'string' }, new_string: { type: 'string' } },
            required: ['old_string', 'new_string'],
            additionalProperties: false,
          },
        },
      },
      required: ['file_path'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  };
}

/** A source file as a tool result shows it: numbered lines with quotes, tabs and backslashes. */
function sourceFile(sizeInBytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let line = 1; size < sizeInBytes; line++) {
    const text = `${String(line).padStart(6)}\t  const value${line} = await load("item-${line}", { retries: 3, path: 'C:\\\\tmp\\\\${line}' });`;
    lines.push(text);
    // JSON escapes: the tab, the quotes and the backslashes each take one more byte, the newline two.
    size += text.length + 12;
  }
  return lines.join('\n');
}

/** The bytes of one session's bodies: what precedes the messages, each exchange, what follows. */
export interface ConversationParts {
  /** `{"model":…,"messages":[` and the first user message. */
  readonly head: Buffer;
  /** The exchange at `index` (0-based), with its leading comma. */
  exchange(index: number): Buffer;
  /** `]}`. */
  readonly tail: Buffer;
}

/** Options of {@link conversationParts}. */
export interface ConversationOptions {
  /** Makes the session id, the system prompt's first line and the tool ids distinct. */
  readonly session: number;
  readonly stream: boolean;
}

/** The session id of session `index`: a UUID-shaped string, as Claude Code sends. */
export function sessionId(index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `5f0c6a52-8f8e-4c8e-9a55-${hex}`;
}

// Built once: every session's system prompt tail, tools and tool result are the same bytes.
const sharedSystem = prose.repeat(60);
const sharedTools = JSON.stringify(toolNames.map(tool));
const sharedResult = JSON.stringify(sourceFile(exchangeSizeInBytes - 400));

/** The parts of session `options.session`'s bodies (see {@link ConversationParts}). */
export function conversationParts(options: ConversationOptions): ConversationParts {
  const id = sessionId(options.session);
  const userId = JSON.stringify({ device_id: 'bench-device', account_uuid: '', session_id: id });
  const system = JSON.stringify([
    {
      type: 'text',
      text: `You are Claude Code, Anthropic's official CLI for Claude. Session ${id}.`,
      cache_control: { type: 'ephemeral' },
    },
    { type: 'text', text: sharedSystem, cache_control: { type: 'ephemeral' } },
  ]);
  const firstMessage = JSON.stringify({
    role: 'user',
    content: [
      {
        type: 'text',
        text: `<system-reminder>Working directory: /home/dev/project-${options.session}</system-reminder>`,
      },
      { type: 'text', text: 'Find why the build fails and fix it.' },
    ],
  });
  const head = Buffer.from(
    `{"model":${JSON.stringify(benchModel)},"max_tokens":32000,"stream":${options.stream},` +
      `"metadata":{"user_id":${JSON.stringify(userId)}},"system":${system},"tools":${sharedTools},` +
      `"temperature":1,"messages":[${firstMessage}`,
  );
  const tail = Buffer.from(']}');
  return {
    head,
    tail,
    exchange(index) {
      const toolId = `toolu_${options.session.toString(36)}_${index.toString(36)}`;
      return Buffer.from(
        `,{"role":"assistant","content":[{"type":"text","text":"I'll read the next file."},` +
          `{"type":"tool_use","id":"${toolId}","name":"Read","input":{"file_path":"/home/dev/project/src/file-${index}.ts"}}]}` +
          `,{"role":"user","content":[{"type":"tool_result","tool_use_id":"${toolId}","content":${sharedResult}}]}`,
      );
    },
  };
}

/** The exchanges that bring a session's body to at least `targetBytes` (at least 0). */
export function exchangesFor(parts: ConversationParts, targetBytes: number): number {
  const base = parts.head.length + parts.tail.length;
  const perExchange = parts.exchange(0).length;
  return Math.max(0, Math.ceil((targetBytes - base) / perExchange));
}

/** One body of a session with its first `exchanges` exchanges. */
export function conversationBody(parts: ConversationParts, exchanges: number): Buffer {
  const pieces = [parts.head];
  for (let index = 0; index < exchanges; index++) pieces.push(parts.exchange(index));
  pieces.push(parts.tail);
  return Buffer.concat(pieces);
}
