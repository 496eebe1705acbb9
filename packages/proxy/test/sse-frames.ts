/** SSE frames as the Messages API streams them: one short message, its head (before content) and its tail. */
export const frame = (event: string, data: object): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** `message_start`, `ping` and `content_block_start`: what comes before the first content. */
export const head = [
  frame('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [],
      usage: { input_tokens: 11, output_tokens: 1 },
    },
  }),
  frame('ping', { type: 'ping' }),
  frame('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  }),
].join('');
/** The text delta, the block's end, `message_delta` and `message_stop`. */
export const tail = [
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Hi' },
  }),
  frame('content_block_stop', { type: 'content_block_stop', index: 0 }),
  frame('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn' },
    usage: { output_tokens: 2 },
  }),
  frame('message_stop', { type: 'message_stop' }),
].join('');
