import { describe, expect, it } from 'vitest';
import { createLeanReplyCache } from './lean-reply-cache.js';

describe('createLeanReplyCache', () => {
  it('splices the message id and input tokens into the precomputed bytes', () => {
    const reply = createLeanReplyCache({ text: 'hey', streamEvents: 1 }).get('m');
    const json = JSON.parse(reply.json.fill('msg_1', 42).toString());
    expect(json).toMatchObject({ id: 'msg_1', model: 'm', usage: { input_tokens: 42, output_tokens: 1 } });
    const stream = reply.stream.fill('msg_2', 7).toString();
    expect(stream).toContain('"id":"msg_2"');
    expect(stream.match(/"input_tokens":7,/g)).toHaveLength(2);
    expect(reply.streamEvents.map((event) => event.fill('msg_2', 7).toString()).join('')).toBe(stream);
  });

  it('reuses the fixed frames between requests instead of re-rendering them', () => {
    const cache = createLeanReplyCache({ text: 'hey', streamEvents: 1 });
    const reply = cache.get('m');
    expect(cache.get('m')).toBe(reply);
    expect(reply.streamEvents[2]?.fill('a', 1)).toBe(reply.streamEvents[2]?.fill('b', 2));
  });

  it('bounds the number of cached models', () => {
    const cache = createLeanReplyCache({ text: 'hey', streamEvents: 1, maxModels: 2 });
    const first = cache.get('a');
    cache.get('b');
    cache.get('c');
    expect(cache.get('a')).not.toBe(first);
  });
});
