import { describe, expect, it } from 'vitest';
import { listCachePrefixes } from './cache-prefixes.js';
import { canonicalJson } from './canonical-json.js';

const marker = { type: 'ephemeral' };
const tool = { name: 'lookup', description: 'Looks things up', input_schema: { type: 'object' } };
const systemText = 'You are a careful assistant. '.repeat(10);

function tokensOf(block: unknown): number {
  return Math.ceil(Buffer.byteLength(canonicalJson(block, 'cache_control')) / 4);
}

function body(extra: Record<string, unknown>): Record<string, unknown> {
  return { model: 'm', max_tokens: 1, ...extra };
}

describe('listCachePrefixes', () => {
  it('lists nothing for a request without any breakpoint', () => {
    const request = body({ tools: [tool], system: systemText, messages: [{ role: 'user', content: 'hi' }] });
    expect(listCachePrefixes(request, 'm', 20)).toEqual([]);
  });

  it('sums block tokens in tools, system, messages order up to each breakpoint', () => {
    const systemBlock = { type: 'text', text: systemText, cache_control: marker };
    const userBlock = { type: 'text', text: 'question', cache_control: marker };
    const request = body({
      tools: [tool],
      system: [systemBlock],
      messages: [{ role: 'user', content: [userBlock] }],
    });
    const prefixes = listCachePrefixes(request, 'm', 0);
    expect(prefixes.map((prefix) => prefix.tokens)).toEqual([
      tokensOf(tool) + tokensOf(systemBlock),
      tokensOf(tool) + tokensOf(systemBlock) + tokensOf(userBlock),
    ]);
    expect(prefixes.every((prefix) => prefix.breakpoint)).toBe(true);
  });

  it('ignores the marker itself: moving it keeps the sizes and the keys of equal prefixes', () => {
    const plain = { type: 'text', text: systemText };
    const marked = { ...plain, cache_control: { type: 'ephemeral', ttl: '1h' } };
    const onSystem = listCachePrefixes(
      body({ system: [marked], messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }] }),
      'm',
      20,
    );
    const onMessage = listCachePrefixes(
      body({
        system: [plain],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'q', cache_control: marker }] }],
      }),
      'm',
      20,
    );
    // The lookback of the message breakpoint covers the system boundary: same key, same tokens.
    expect(onMessage[0]).toEqual({ ...(onSystem[0] as object), breakpoint: false, longTtl: false });
    expect(onSystem[0]?.longTtl).toBe(true);
  });

  it('keys a prefix by model, content and role, not by JSON key order', () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'q', cache_control: marker }] }];
    const key = (model: string, list: unknown[]) =>
      listCachePrefixes(body({ messages: list }), model, 0)[0]?.key;
    const reordered = [{ content: [{ cache_control: marker, text: 'q', type: 'text' }], role: 'user' }];
    const asAssistant = [{ role: 'assistant', content: messages[0]?.content }];
    expect(key('m', reordered)).toBe(key('m', messages));
    expect(key('other-model', messages)).not.toBe(key('m', messages));
    expect(key('m', asAssistant)).not.toBe(key('m', messages));
  });

  it('lists the lookback boundaries before each breakpoint, and nothing after the last one', () => {
    const texts = Array.from({ length: 8 }, (_, index) => ({ type: 'text', text: `block ${index}` }));
    const content = [...texts.slice(0, 5), { ...texts[5], cache_control: marker }, ...texts.slice(6)];
    const prefixes = listCachePrefixes(body({ messages: [{ role: 'user', content }] }), 'm', 2);
    expect(prefixes.map((prefix) => prefix.breakpoint)).toEqual([false, false, true]);
    expect(prefixes.map((prefix) => prefix.tokens)).toEqual([
      texts.slice(0, 4).reduce((sum, block) => sum + tokensOf(block), 0),
      texts.slice(0, 5).reduce((sum, block) => sum + tokensOf(block), 0),
      texts.slice(0, 6).reduce((sum, block) => sum + tokensOf(block), 0),
    ]);
  });

  it('gives a block the same key whether sent as a string or as a text block', () => {
    const asString = listCachePrefixes(
      body({
        system: 'rules',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'q', cache_control: marker }] }],
      }),
      'm',
      0,
    );
    const asBlock = listCachePrefixes(
      body({
        system: [{ type: 'text', text: 'rules' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'q', cache_control: marker }] }],
      }),
      'm',
      0,
    );
    expect(asString).toEqual(asBlock);
  });
});
