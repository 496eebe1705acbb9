import { describe, expect, it } from 'vitest';
import { SseObserver } from './sse-observer.js';

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const stream = [
  frame('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_1',
      usage: {
        input_tokens: 25,
        cache_creation_input_tokens: 7,
        cache_read_input_tokens: 3,
        output_tokens: 1,
      },
    },
  }),
  frame('ping', { type: 'ping' }),
  frame('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  }),
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Hi' },
  }),
  frame('content_block_stop', { type: 'content_block_stop', index: 0 }),
  frame('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn' },
    usage: { output_tokens: 15 },
  }),
  frame('message_stop', { type: 'message_stop' }),
].join('');

describe('SseObserver', () => {
  it('reads usage from message_start and the cumulative message_delta', () => {
    const observer = new SseObserver();
    observer.push(Buffer.from(stream));
    expect(observer.usage).toEqual({
      inputTokens: 25,
      outputTokens: 15,
      cacheCreationInputTokens: 7,
      cacheReadInputTokens: 3,
    });
    expect(observer.sawMessageStop).toBe(true);
    expect(observer.contentStarted).toBe(true);
    expect(observer.events).toBe(7);
    expect(observer.malformed).toBe(false);
  });

  it('gives the same result whatever the chunk boundaries', () => {
    const bytes = Buffer.from(stream);
    for (const size of [1, 2, 3, 7, 13, 64]) {
      const observer = new SseObserver();
      for (let offset = 0; offset < bytes.length; offset += size)
        observer.push(bytes.subarray(offset, offset + size));
      expect(observer.usage.outputTokens, `chunk size ${size}`).toBe(15);
      expect(observer.usage.inputTokens, `chunk size ${size}`).toBe(25);
      expect(observer.sawMessageStop).toBe(true);
      expect(observer.events).toBe(7);
    }
  });

  it('reads a CRLF stream the same whatever byte it is split at', () => {
    const crlf = Buffer.from(
      stream.replaceAll('\n', '\r\n') +
        frame('error', { type: 'error', error: { type: 'overloaded_error', message: 'x' } }).replaceAll(
          '\n',
          '\r\n',
        ),
    );
    for (let split = 1; split < crlf.length; split++) {
      const observer = new SseObserver();
      observer.push(crlf.subarray(0, split));
      observer.push(crlf.subarray(split));
      const at = `split at ${split}`;
      expect(observer.usage, at).toEqual({
        inputTokens: 25,
        outputTokens: 15,
        cacheCreationInputTokens: 7,
        cacheReadInputTokens: 3,
      });
      expect(observer.events, at).toBe(8);
      expect(observer.error, at).toEqual({ type: 'overloaded_error', message: 'x' });
      expect(observer.malformed, at).toBe(false);
    }
  });

  it('estimates the output of a stream cut before message_delta from the text relayed, however it is split', () => {
    const text = 'x'.repeat(1000);
    const cut = Buffer.from(
      stream.slice(0, stream.indexOf('event: content_block_start')) +
        frame('content_block_start', {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'text', text: '' },
        }) +
        frame('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text },
        }) +
        frame('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text },
        }),
    );
    const whole = new SseObserver();
    whole.push(cut);
    const estimate = whole.usageSoFar().outputTokens;
    // 2000 bytes of text at about 4 bytes per token; the JSON around each delta's text is not counted.
    expect(estimate).toBeGreaterThanOrEqual(500);
    expect(estimate).toBeLessThanOrEqual(505);
    for (const size of [1, 7, 100]) {
      const observer = new SseObserver();
      for (let offset = 0; offset < cut.length; offset += size)
        observer.push(cut.subarray(offset, offset + size));
      const usage = observer.usageSoFar();
      expect(usage, `chunk size ${size}`).toMatchObject({
        inputTokens: 25,
        cacheReadInputTokens: 3,
        outputTokens: estimate,
        outputEstimated: true,
      });
    }
  });

  it('keeps the upstream count, not an estimate, once message_delta came', () => {
    const observer = new SseObserver();
    observer.push(Buffer.from(stream));
    expect(observer.usageSoFar()).toEqual(observer.usage);
    expect(observer.usageSoFar().outputEstimated).toBeUndefined();
  });

  it('does not count message_start and ping as content', () => {
    const observer = new SseObserver();
    observer.push(Buffer.from(stream.slice(0, stream.indexOf('event: content_block_start'))));
    expect(observer.contentStarted).toBe(false);
    observer.push(Buffer.from('event: content_block_start\n'));
    expect(observer.contentStarted).toBe(true);
  });

  it('captures an in-band error event', () => {
    const observer = new SseObserver();
    observer.push(
      Buffer.from(
        frame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      ),
    );
    expect(observer.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(observer.contentStarted).toBe(false);
  });

  it('accepts CRLF line endings, comments and data without a space', () => {
    const observer = new SseObserver();
    observer.push(
      Buffer.from(': keep-alive\r\nevent: message_delta\r\ndata:{"usage":{"output_tokens":9}}\r\n\r\n'),
    );
    expect(observer.usage.outputTokens).toBe(9);
    expect(observer.malformed).toBe(false);
  });

  it('ignores comments, id, retry and fields it has never seen, as the SSE standard says', () => {
    const bytes = Buffer.from(
      stream
        .replace(
          'event: ping',
          ': a comment\nid: 42\nretry: 1000\nx-vendor-field: anything\nnocolon\nevent: ping',
        )
        .replace('event: message_stop', 'id:\nevent: message_stop'),
    );
    for (const size of [1, 5, bytes.length]) {
      const observer = new SseObserver();
      for (let offset = 0; offset < bytes.length; offset += size)
        observer.push(bytes.subarray(offset, offset + size));
      expect(observer.malformed, `chunk size ${size}`).toBe(false);
      expect(observer.sawMessageStop).toBe(true);
      expect(observer.usage.outputTokens).toBe(15);
      expect(observer.events).toBe(7);
    }
  });

  it('joins the data lines of one event, as the SSE standard says', () => {
    const observer = new SseObserver();
    observer.push(Buffer.from('event: message_delta\ndata: {"usage":\ndata: {"output_tokens":4}}\n\n'));
    expect(observer.usage.outputTokens).toBe(4);
    expect(observer.malformed).toBe(false);
  });

  it('skips a long line it does not read without keeping it, and reads what follows', () => {
    const observer = new SseObserver();
    const filler = Buffer.alloc(4 * 1024 * 1024, 'x');
    observer.push(Buffer.from('event: content_block_delta\ndata: {"delta":"'));
    for (let offset = 0; offset < filler.length; offset += 65_536)
      observer.push(filler.subarray(offset, offset + 65_536));
    observer.push(Buffer.from('"}\n\nx-unknown: '));
    for (let offset = 0; offset < filler.length; offset += 65_536)
      observer.push(filler.subarray(offset, offset + 65_536));
    observer.push(Buffer.from('\nevent: message_delta\ndata: {"usage":{"output_tokens":8}}\n\n'));
    expect(observer.usage.outputTokens).toBe(8);
    expect(observer.events).toBe(2);
    expect(observer.malformed).toBe(false);
  });

  it('takes an event line too long for any name it knows as content', () => {
    const observer = new SseObserver();
    observer.push(Buffer.from(`event: ${'y'.repeat(2000)}`));
    observer.push(Buffer.from('\ndata: {}\n\n'));
    expect(observer.contentStarted).toBe(true);
    expect(observer.events).toBe(1);
  });

  it('flags unparsable data of an event it reads', () => {
    const observer = new SseObserver();
    observer.push(Buffer.from('event: message_delta\ndata: {not json\n\n'));
    expect(observer.malformed).toBe(true);
  });

  it('tells events apart by name with or without spaces around it, and counts any other name as content', () => {
    const preambleOnly = new SseObserver();
    preambleOnly.push(Buffer.from('event:message_start\ndata: {}\n\nevent:   ping \t\ndata: {}\n\n'));
    expect(preambleOnly.contentStarted).toBe(false);
    expect(preambleOnly.events).toBe(2);
    const content = new SseObserver();
    content.push(Buffer.from('event: pin\ndata: {}\n\nevent:message_stop\ndata: {}\n\n'));
    expect(content.contentStarted).toBe(true);
    expect(content.sawMessageStop).toBe(true);
  });
});
