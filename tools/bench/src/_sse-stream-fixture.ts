/**
 * Shared frames of the first-token suites: `first-token-mark.test.ts`, `probe-handler.test.ts` and
 * `run-ttfb-probe.test.ts`. A streamed reply's events as the API sends them, trimmed to what the probe reads. Test
 * code only.
 */

/** What comes before the first token: `message_start`, `content_block_start`, `ping`. */
export const preamble =
  'event: message_start\ndata: {"type":"message_start","message":{"content":[]}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: ping\ndata: {"type": "ping"}\n\n';

/** The first token. */
export const delta =
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n';

export const messageStop = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

/** An in-band error, as an upstream ends a stream that failed. */
export const errorEvent =
  'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
