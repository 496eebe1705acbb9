import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, TextBlockParam, Tool, Usage } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import type { MockUpstream } from '../src/mock-upstream.js';
import { MockUpstreamError } from '../src/mock-upstream-error.js';
import { jsonOf, messagesBody, parseSse, postJson, recordedBodyLength, startMock } from './helpers.js';

const apiKey = 'sk-ant-test-key';
const ttlInMs = 300_000;
const ephemeral = { type: 'ephemeral' as const };

function fakeClock() {
  const clock = { time: 1_700_000_000_000, now: () => clock.time };
  return clock;
}

function clientFor(mock: MockUpstream): Anthropic {
  return new Anthropic({ baseURL: mock.url, apiKey, maxRetries: 0 });
}

// Shaped like Claude Code's first request (protocol §3): tools without markers, a billing header, two
// marked system blocks, and the marker on the last user block only.
const tools: Tool[] = ['Bash', 'Edit', 'Read', 'Grep', 'Glob', 'Write'].map((name) => ({
  name,
  description: `${name}: ${'Detailed usage notes for the tool. '.repeat(12)}`,
  input_schema: { type: 'object', properties: { target: { type: 'string' } }, required: ['target'] },
}));
const system: TextBlockParam[] = [
  {
    type: 'text',
    text: 'x-anthropic-billing-header: cc_version=2.1.112.4c3; cc_entrypoint=sdk-cli; cch=00000;',
  },
  {
    type: 'text',
    text: "You are a Claude agent, built on Anthropic's Claude Agent SDK.",
    cache_control: ephemeral,
  },
  { type: 'text', text: 'Main prompt: be careful, be concise. '.repeat(200), cache_control: ephemeral },
];

interface Turn {
  readonly user: string;
  readonly assistant: string;
}

function userText(turn: number): string {
  return `Turn ${turn}: please look at this file.\n${'const answer = 42; // some source\n'.repeat(30)}`;
}

/** The messages of turn `turn` (1-based): earlier turns verbatim, the marker on the newest user block only. */
function messagesFor(history: readonly Turn[], turn: number): MessageParam[] {
  const messages: MessageParam[] = [];
  for (const past of history) {
    messages.push({ role: 'user', content: [{ type: 'text', text: past.user }] });
    messages.push({ role: 'assistant', content: [{ type: 'text', text: past.assistant }] });
  }
  messages.push({
    role: 'user',
    content: [{ type: 'text', text: userText(turn), cache_control: ephemeral }],
  });
  return messages;
}

/** Runs a `turns`-turn streamed conversation, sending turn k to `mocks[(k - 1) % mocks.length]`. */
async function converse(mocks: readonly MockUpstream[], turns: number): Promise<Usage[]> {
  const history: Turn[] = [];
  const usages: Usage[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    const mock = mocks[(turn - 1) % mocks.length] as MockUpstream;
    const message = await clientFor(mock)
      .messages.stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 1024,
        stream: true,
        tools,
        system,
        messages: messagesFor(history, turn),
      })
      .finalMessage();
    usages.push(message.usage);
    const reply = message.content[0];
    history.push({ user: userText(turn), assistant: reply?.type === 'text' ? reply.text : '' });
  }
  return usages;
}

function totals(usages: readonly Usage[]) {
  let read = 0;
  let creation = 0;
  let input = 0;
  for (const usage of usages) {
    read += usage.cache_read_input_tokens ?? 0;
    creation += usage.cache_creation_input_tokens ?? 0;
    input += usage.input_tokens;
  }
  return { read, creation, input, hitRate: read / (read + creation + input) };
}

describe('prompt cache simulation', () => {
  it('reads the cache from turn 2 on when one instance serves a whole conversation', async () => {
    const mock = await startMock({ name: 'solo', apiKey, promptCache: true, now: fakeClock().now });
    const usages = await converse([mock], 10);
    expect(usages[0]?.cache_read_input_tokens).toBe(0);
    expect(usages[0]?.cache_creation_input_tokens).toBeGreaterThan(0);
    for (const usage of usages.slice(1)) expect(usage.cache_read_input_tokens).toBeGreaterThan(0);
    // Every turn's split adds up to the whole request's estimate, as count_tokens reports it.
    usages.forEach((usage, index) => {
      const split =
        usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
      expect(split).toBe(Math.ceil(recordedBodyLength(mock, index) / 4));
    });
    const sums = totals(usages);
    expect(sums.hitRate).toBeGreaterThan(0.8);
    expect(mock.cacheStats()).toEqual({
      reads: 9,
      writes: 10,
      readTokens: sums.read,
      creationTokens: sums.creation,
      inputTokens: sums.input,
    });
  });

  it('writes about twice as much and reads less when two instances alternate on one conversation', async () => {
    const clock = fakeClock();
    const solo = await startMock({ name: 'solo', apiKey, promptCache: true, now: clock.now });
    const alpha = await startMock({ name: 'alpha', apiKey, promptCache: true, now: clock.now });
    const beta = await startMock({ name: 'beta', apiKey, promptCache: true, now: clock.now });
    const one = totals(await converse([solo], 10));
    const alternating = await converse([alpha, beta], 10);
    const two = totals(alternating);
    // Each instance pays its own first write: no reads until each has seen the conversation once.
    expect(alternating.map((usage) => (usage.cache_read_input_tokens ?? 0) > 0)).toEqual([
      false,
      false,
      ...Array(8).fill(true),
    ]);
    expect(alpha.cacheStats().reads + beta.cacheStats().reads).toBe(8);
    // Each instance re-creates what the other one saw last turn, on top of its own first full write.
    expect(two.creation).toBeGreaterThan(1.8 * one.creation);
    expect(two.read).toBeLessThan(one.read);
    expect(two.hitRate).toBeLessThan(one.hitRate - 0.1);
  });

  it('misses once the TTL has passed on the injected clock, and reads just before it', async () => {
    const clock = fakeClock();
    const mock = await startMock({ apiKey, promptCache: { ttlInMs }, now: clock.now });
    const client = clientFor(mock);
    const params = { model: 'claude-sonnet-4-6', max_tokens: 64, system, messages: messagesFor([], 1) };
    const first = await client.messages.create(params);
    clock.time += ttlInMs - 1;
    const second = await client.messages.create(params);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    // The read renewed the entry: a full TTL from the read, not from the write.
    clock.time += ttlInMs - 1;
    expect((await client.messages.create(params)).usage.cache_read_input_tokens).toBeGreaterThan(0);
    clock.time += ttlInMs;
    const expired = await client.messages.create(params);
    expect(expired.usage.cache_read_input_tokens).toBe(0);
    expect(expired.usage.cache_creation_input_tokens).toBe(first.usage.cache_creation_input_tokens);
  });

  it('caches tool definitions marked with cache_control, invalidated by a changed tool', async () => {
    const mock = await startMock({ apiKey, promptCache: true, now: fakeClock().now });
    const client = clientFor(mock);
    const markedTools: Tool[] = [
      ...tools.slice(0, -1),
      { ...(tools.at(-1) as Tool), cache_control: ephemeral },
    ];
    const ask = (toolList: Tool[], question: string) =>
      client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        tools: toolList,
        system: 'Anything after the tools may change.',
        messages: [{ role: 'user', content: question }],
      });
    const first = await ask(markedTools, 'first question');
    const toolTokens = first.usage.cache_creation_input_tokens ?? 0;
    expect(toolTokens).toBeGreaterThan(0);
    const second = await ask(markedTools, 'a completely different question');
    expect(second.usage).toMatchObject({
      cache_read_input_tokens: toolTokens,
      cache_creation_input_tokens: 0,
    });
    expect(second.usage.input_tokens).toBe(Math.ceil(recordedBodyLength(mock, 1) / 4) - toolTokens);
    const changedFirstTool = [
      { ...(markedTools[0] as Tool), description: 'changed' },
      ...markedTools.slice(1),
    ];
    const third = await ask(changedFirstTool, 'first question');
    expect(third.usage.cache_read_input_tokens).toBe(0);
    expect(third.usage.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it('reports 1-hour cache creation when the last breakpoint asks for ttl "1h", and keeps it past 5 minutes', async () => {
    const clock = fakeClock();
    const mock = await startMock({ apiKey, promptCache: true, now: clock.now });
    const client = clientFor(mock);
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      system: [
        {
          type: 'text' as const,
          text: 'Long-lived instructions. '.repeat(50),
          cache_control: { type: 'ephemeral' as const, ttl: '1h' as const },
        },
      ],
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    const first = await client.messages.create(params);
    const creation = first.usage.cache_creation_input_tokens ?? 0;
    expect(creation).toBeGreaterThan(0);
    expect(first.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: creation,
    });
    clock.time += 50 * 60_000;
    const later = await client.messages.create(params);
    expect(later.usage.cache_read_input_tokens).toBe(creation);
    expect(later.usage.cache_creation).toEqual({
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: 0,
    });
  });

  it('counts a request without any breakpoint entirely as input tokens', async () => {
    const mock = await startMock({ apiKey, promptCache: true });
    const message = await clientFor(mock).messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      system: 'No markers anywhere.',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.usage).toMatchObject({
      input_tokens: Math.ceil(recordedBodyLength(mock) / 4),
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    });
    expect(mock.cacheStats()).toMatchObject({ reads: 0, writes: 0, inputTokens: message.usage.input_tokens });
  });

  it('reports the same numbers in a JSON reply and in both SSE usage events for the same request', async () => {
    const clock = fakeClock();
    const jsonMock = await startMock({ promptCache: true, now: clock.now });
    const sseMock = await startMock({ promptCache: true, now: clock.now });
    const jsonBody = JSON.stringify(messagesBody({ stream: false, system, messages: messagesFor([], 1) }));
    // Same byte length, so the same input-token estimate: only the stream flag differs.
    const sseBody = jsonBody.replace('"stream":false', '"stream":true ');
    for (const round of ['cold', 'warm']) {
      const usage = (await jsonOf(await postJson(`${jsonMock.url}/v1/messages`, jsonBody))).usage;
      const events = parseSse(await (await postJson(`${sseMock.url}/v1/messages`, sseBody)).text());
      const start = JSON.parse(events.find((event) => event.event === 'message_start')?.data ?? '{}');
      const delta = JSON.parse(events.find((event) => event.event === 'message_delta')?.data ?? '{}');
      expect(start.message.usage).toEqual({ ...usage, output_tokens: 1 });
      expect(delta.usage).toEqual({
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        output_tokens: usage.output_tokens,
      });
      const counted = round === 'cold' ? usage.cache_creation_input_tokens : usage.cache_read_input_tokens;
      expect(counted, round).toBeGreaterThan(0);
    }
    expect(sseMock.cacheStats()).toEqual(jsonMock.cacheStats());
  });

  it('keeps cache counts at 0 when promptCache is off, even with breakpoints in the request', async () => {
    const mock = await startMock();
    const body = messagesBody({ system, messages: messagesFor([], 1) });
    await postJson(`${mock.url}/v1/messages`, body);
    const usage = (await jsonOf(await postJson(`${mock.url}/v1/messages`, body))).usage;
    expect(usage).toMatchObject({
      input_tokens: Math.ceil(recordedBodyLength(mock, 1) / 4),
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    });
    expect(mock.cacheStats()).toEqual({
      reads: 0,
      writes: 0,
      readTokens: 0,
      creationTokens: 0,
      inputTokens: 0,
    });
  });

  it('ignores promptCache in lean mode', async () => {
    const mock = await startMock({ lean: true, promptCache: true });
    const body = JSON.stringify(messagesBody({ system, messages: messagesFor([], 1) }));
    await postJson(`${mock.url}/v1/messages`, body);
    const usage = (await jsonOf(await postJson(`${mock.url}/v1/messages`, body))).usage;
    expect(usage).toMatchObject({
      input_tokens: Math.ceil(Buffer.byteLength(body) / 4),
      cache_read_input_tokens: 0,
    });
    expect(mock.cacheStats().inputTokens).toBe(0);
  });

  it('leaves the cache alone on count_tokens', async () => {
    const mock = await startMock({ promptCache: true });
    const body = messagesBody({ system, messages: messagesFor([], 1) });
    await postJson(`${mock.url}/v1/messages/count_tokens`, body);
    const usage = (await jsonOf(await postJson(`${mock.url}/v1/messages`, body))).usage;
    expect(usage.cache_read_input_tokens).toBe(0);
    expect(usage.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it('zeroes the counters on reset() but keeps the prefixes, which clearCache() forgets', async () => {
    const mock = await startMock({ promptCache: true });
    const body = messagesBody({ system, messages: messagesFor([], 1) });
    const send = async () => (await jsonOf(await postJson(`${mock.url}/v1/messages`, body))).usage;
    await send();
    mock.reset();
    expect(mock.cacheStats()).toEqual({
      reads: 0,
      writes: 0,
      readTokens: 0,
      creationTokens: 0,
      inputTokens: 0,
    });
    expect((await send()).cache_read_input_tokens).toBeGreaterThan(0);
    mock.clearCache();
    expect((await send()).cache_read_input_tokens).toBe(0);
    expect(mock.cacheStats()).toMatchObject({ reads: 1, writes: 1 });
  });

  it('serves the counters and clears the cache over the control API', async () => {
    const mock = await startMock({ promptCache: true });
    const body = messagesBody({ system, messages: messagesFor([], 1) });
    await postJson(`${mock.url}/v1/messages`, body);
    const stats = await jsonOf(await fetch(`${mock.url}/_mock/cache`));
    expect(stats).toEqual({ ...mock.cacheStats(), entries: 3 });
    expect(stats.writes).toBe(1);
    const cleared = await fetch(`${mock.url}/_mock/cache`, { method: 'DELETE' });
    expect(await jsonOf(cleared)).toEqual({ entries: 0 });
    const usage = (await jsonOf(await postJson(`${mock.url}/v1/messages`, body))).usage;
    expect(usage.cache_read_input_tokens).toBe(0);
  });

  it('rejects a non-positive TTL or a negative lookback as invalid options', async () => {
    for (const promptCache of [{ ttlInMs: 0 }, { ttlInMs: 1.5 }, { lookbackBlocks: -1 }]) {
      const attempt = startMock({ promptCache });
      await expect(attempt).rejects.toSatisfy(
        (error: unknown) => MockUpstreamError.is(error) && error.code === 'CCB_MOCK_UPSTREAM_INVALID_OPTIONS',
      );
    }
  });
});
