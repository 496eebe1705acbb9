/**
 * The server-sent events of a streamed Messages API reply (https://platform.claude.com/docs/en/build-with-claude/streaming): `message_start`, then any `ping`s,
 * then content (`content_block_start`/`_delta`/`_stop`), `message_delta` with the final usage, `message_stop`. An
 * `error` event may come at any point instead.
 */
export const sseEvents = Object.freeze({
  messageStart: 'message_start',
  messageDelta: 'message_delta',
  messageStop: 'message_stop',
  ping: 'ping',
  error: 'error',
} as const);

/**
 * Events that may come before any content: a stream that fails while it has shown only these has told the client
 * nothing it would miss, so another provider can still answer in its place.
 */
export const eventsBeforeContent: readonly string[] = Object.freeze([sseEvents.messageStart, sseEvents.ping]);

/** The bytes of an SSE `error` event, as Anthropic sends one to end a stream that already started. */
export function sseErrorEvent(type: string, message: string): Buffer {
  return Buffer.from(
    `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`,
  );
}
