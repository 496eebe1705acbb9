import { describe, expect, it } from 'vitest';
import { listCachePrefixes } from './cache-prefixes.js';
import { createPromptCache, type PromptCache } from './prompt-cache.js';

const ttlInMs = 300_000;
const marker = { type: 'ephemeral' };
const systemText = 'Stable instructions that every turn repeats. '.repeat(40);

function fakeClock() {
  const clock = { time: 1_000_000, now: () => clock.time };
  return clock;
}

function cacheWith(clock: { now: () => number }, lookbackBlocks = 20): PromptCache {
  return createPromptCache({ ttlInMs, lookbackBlocks, now: clock.now });
}

function text(value: string, cacheControl?: unknown) {
  return cacheControl === undefined
    ? { type: 'text', text: value }
    : { type: 'text', text: value, cache_control: cacheControl };
}

/** A conversation of `turns` user turns; only the last user block carries a marker, as Claude Code sends. */
function conversation(turns: number, systemMarker: unknown = marker): Record<string, unknown> {
  const messages: unknown[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const last = turn === turns;
    messages.push({
      role: 'user',
      content: [text(`question ${turn} `.repeat(20), last ? marker : undefined)],
    });
    if (!last) messages.push({ role: 'assistant', content: [text(`answer ${turn}`)] });
  }
  return { model: 'm', max_tokens: 1, system: [text(systemText, systemMarker)], messages };
}

function tokensUpTo(body: Record<string, unknown>): number[] {
  return listCachePrefixes(body, 'm', 0).map((prefix) => prefix.tokens);
}

const total = 100_000;

describe('createPromptCache', () => {
  it('creates everything up to the last breakpoint on a cold cache; the rest is input', () => {
    const cache = cacheWith(fakeClock());
    const request = conversation(1);
    const [, last] = tokensUpTo(request) as [number, number];
    const usage = cache.account(request, total);
    expect(usage).toEqual({
      inputTokens: total - last,
      cache: { readInputTokens: 0, creation5mInputTokens: last, creation1hInputTokens: 0 },
    });
  });

  it('reads the whole prefix when the same request comes again', () => {
    const cache = cacheWith(fakeClock());
    const request = conversation(1);
    cache.account(request, total);
    const usage = cache.account(request, total);
    const [, last] = tokensUpTo(request) as [number, number];
    expect(usage.cache).toEqual({
      readInputTokens: last,
      creation5mInputTokens: 0,
      creation1hInputTokens: 0,
    });
    expect(usage.inputTokens).toBe(total - last);
  });

  it('reads the longest cached breakpoint when a later part of the prompt changed', () => {
    const cache = cacheWith(fakeClock(), 0);
    cache.account(conversation(1), total);
    const changed = conversation(1);
    (changed.messages as Array<{ content: unknown }>)[0] = {
      role: 'user',
      content: [text('a different question', marker)],
    } as never;
    const [systemTokens, last] = tokensUpTo(changed) as [number, number];
    const usage = cache.account(changed, total);
    expect(usage.cache.readInputTokens).toBe(systemTokens);
    expect(usage.cache.creation5mInputTokens).toBe(last - systemTokens);
  });

  it('finds the previous turn through the lookback when the breakpoint moved forward', () => {
    const withLookback = cacheWith(fakeClock(), 20);
    const breakpointsOnly = cacheWith(fakeClock(), 0);
    for (const cache of [withLookback, breakpointsOnly]) cache.account(conversation(1), total);
    const [, previousLast] = tokensUpTo(conversation(1)) as [number, number];
    const [systemTokens] = tokensUpTo(conversation(2)) as [number, number];
    expect(withLookback.account(conversation(2), total).cache.readInputTokens).toBe(previousLast);
    expect(breakpointsOnly.account(conversation(2), total).cache.readInputTokens).toBe(systemTokens);
  });

  it('misses once the TTL has passed, and a read renews the TTL', () => {
    const clock = fakeClock();
    const cache = cacheWith(clock);
    const request = conversation(1);
    cache.account(request, total);
    clock.time += ttlInMs - 1;
    expect(cache.account(request, total).cache.readInputTokens).toBeGreaterThan(0);
    clock.time += ttlInMs - 1;
    expect(cache.account(request, total).cache.readInputTokens).toBeGreaterThan(0);
    clock.time += ttlInMs;
    const expired = cache.account(request, total);
    expect(expired.cache.readInputTokens).toBe(0);
    expect(expired.cache.creation5mInputTokens).toBeGreaterThan(0);
  });

  it('renews a prefix found through the lookback, not only the written breakpoints', () => {
    const clock = fakeClock();
    const cache = cacheWith(clock);
    cache.account(conversation(1), total);
    const [, firstTurnTokens] = tokensUpTo(conversation(1)) as [number, number];
    clock.time += ttlInMs - 1;
    cache.account(conversation(2), total);
    clock.time += ttlInMs - 1;
    // Turn 3's lookback reaches the end of turn 1 (renewed by turn 2's read) as well as turn 2.
    const third = conversation(3);
    (third.messages as Array<{ content: Array<{ text: string }> }>)[2] = {
      role: 'user',
      content: [text('edited question 2')],
    } as never;
    expect(cache.account(third, total).cache.readInputTokens).toBe(firstTurnTokens);
  });

  it('counts creation as 1-hour when the last breakpoint asks for it, and keeps such entries for an hour', () => {
    const clock = fakeClock();
    const cache = cacheWith(clock);
    const longMarker = { type: 'ephemeral', ttl: '1h' };
    const request = conversation(1, longMarker);
    const messages = request.messages as Array<{ content: Array<Record<string, unknown>> }>;
    (messages[0]?.content[0] as Record<string, unknown>).cache_control = longMarker;
    const [, last] = tokensUpTo(request) as [number, number];
    expect(cache.account(request, total).cache).toEqual({
      readInputTokens: 0,
      creation5mInputTokens: 0,
      creation1hInputTokens: last,
    });
    clock.time += 30 * 60_000;
    expect(cache.account(request, total).cache.readInputTokens).toBe(last);
    clock.time += 60 * 60_000;
    expect(cache.account(request, total).cache.readInputTokens).toBe(0);
  });

  it('does not cut a live 1-hour entry short when a 5-minute breakpoint writes the same prefix', () => {
    const clock = fakeClock();
    const cache = cacheWith(clock);
    cache.account(conversation(1, { type: 'ephemeral', ttl: '1h' }), total);
    cache.account(conversation(1, marker), total);
    clock.time += 30 * 60_000;
    const [systemTokens] = tokensUpTo(conversation(1)) as [number];
    expect(cache.account(conversation(1, marker), total).cache.readInputTokens).toBe(systemTokens);
  });

  it('leaves a request without breakpoints entirely to input_tokens and out of reads and writes', () => {
    const cache = cacheWith(fakeClock());
    const request = { model: 'm', messages: [{ role: 'user', content: 'hi' }], system: systemText };
    expect(cache.account(request, 42)).toEqual({
      inputTokens: 42,
      cache: { readInputTokens: 0, creation5mInputTokens: 0, creation1hInputTokens: 0 },
    });
    expect(cache.stats()).toEqual({ reads: 0, writes: 0, readTokens: 0, creationTokens: 0, inputTokens: 42 });
    expect(cache.entryCount).toBe(0);
  });

  it('keeps per-request counters until resetStats, and forgets prefixes on clear', () => {
    const cache = cacheWith(fakeClock());
    const request = conversation(1);
    const [, last] = tokensUpTo(request) as [number, number];
    cache.account(request, total);
    cache.account(request, total);
    expect(cache.stats()).toEqual({
      reads: 1,
      writes: 1,
      readTokens: last,
      creationTokens: last,
      inputTokens: 2 * (total - last),
    });
    cache.resetStats();
    expect(cache.stats().reads).toBe(0);
    expect(cache.entryCount).toBe(2);
    cache.clear();
    expect(cache.entryCount).toBe(0);
    expect(cache.account(request, total).cache.readInputTokens).toBe(0);
  });

  it('never reports negative input tokens when the block estimate exceeds the body estimate', () => {
    const cache = cacheWith(fakeClock());
    expect(cache.account(conversation(1), 1).inputTokens).toBe(0);
  });

  it('sweeps expired entries once the map has grown, so memory stays bounded', () => {
    const clock = fakeClock();
    const cache = cacheWith(clock, 0);
    const ask = (question: string) =>
      cache.account({ model: 'm', messages: [{ role: 'user', content: [text(question, marker)] }] }, 10);
    for (let index = 0; index < 1000; index++) ask(`old ${index}`);
    expect(cache.entryCount).toBe(1000);
    clock.time += ttlInMs;
    for (let index = 0; index < 30; index++) ask(`new ${index}`);
    expect(cache.entryCount).toBe(30);
  });
});
