import { describe, expect, it } from 'vitest';
import { cacheControlOf, forEachPromptBlock } from './prompt-blocks.js';

function walk(body: Record<string, unknown>, stopAt = Number.POSITIVE_INFINITY) {
  const seen: Array<[unknown, string, number]> = [];
  forEachPromptBlock(body, (block, tag, index) => {
    seen.push([block, tag, index]);
    return index < stopAt;
  });
  return seen;
}

describe('forEachPromptBlock', () => {
  it('visits tools, then system, then each message block in order, whatever the key order', () => {
    const body = {
      messages: [
        { role: 'user', content: 'first' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
      system: [{ type: 'text', text: 's' }],
      tools: [{ name: 't1' }, { name: 't2' }],
    };
    expect(walk(body).map(([, tag, index]) => `${index}:${tag}`)).toEqual([
      '0:tools',
      '1:tools',
      '2:system',
      '3:user',
      '4:assistant',
      '5:assistant',
    ]);
  });

  it('passes a string system or content as the string itself', () => {
    const seen = walk({ system: 'be brief', messages: [{ role: 'user', content: 'hi' }] });
    expect(seen).toEqual([
      ['be brief', 'system', 0],
      ['hi', 'user', 1],
    ]);
  });

  it('skips malformed parts instead of throwing', () => {
    const seen = walk({ tools: 'nope', system: 7, messages: [null, 3, { content: [{ type: 'text' }] }] });
    expect(seen).toEqual([[{ type: 'text' }, 'message', 0]]);
  });

  it('stops as soon as the visitor returns false', () => {
    const body = { tools: [{ name: 'a' }, { name: 'b' }], messages: [{ role: 'user', content: 'c' }] };
    expect(walk(body, 0)).toHaveLength(1);
  });
});

describe('cacheControlOf', () => {
  it('reads a block marker and treats null, strings and missing markers as none', () => {
    expect(cacheControlOf({ cache_control: { type: 'ephemeral' } })).toEqual({ type: 'ephemeral' });
    expect(cacheControlOf({ cache_control: null })).toBeUndefined();
    expect(cacheControlOf({ type: 'text' })).toBeUndefined();
    expect(cacheControlOf('text')).toBeUndefined();
  });
});
