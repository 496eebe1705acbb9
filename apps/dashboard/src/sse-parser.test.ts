import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse-parser.js';

describe('createSseParser', () => {
  it('reads named events with JSON data', () => {
    const parser = createSseParser();
    expect(parser.feed('event: hello\ndata: {"a":1}\n\n')).toEqual([{ event: 'hello', data: '{"a":1}' }]);
  });

  it('joins a message cut across chunks anywhere, CRLF included', () => {
    const parser = createSseParser();
    const text = 'event: traffic\r\ndata: {"x":\r\ndata: 2}\r\n\r\nevent: router\ndata: y\n\n';
    const messages = [];
    for (const character of text) messages.push(...parser.feed(character));
    expect(messages).toEqual([
      { event: 'traffic', data: '{"x":\n2}' },
      { event: 'router', data: 'y' },
    ]);
  });

  it('skips comments and gives unnamed events the name message', () => {
    const parser = createSseParser();
    expect(parser.feed(': keep-alive\n\ndata:plain\n\n')).toEqual([{ event: 'message', data: 'plain' }]);
  });

  it('keeps an unfinished message for the next chunk', () => {
    const parser = createSseParser();
    expect(parser.feed('event: a\ndata: 1\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual([{ event: 'a', data: '1' }]);
  });
});
