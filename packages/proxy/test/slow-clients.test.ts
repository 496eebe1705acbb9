import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageBody, type StartedProxy, startProxy, target } from './harness.js';
import { parseAnswer, type RawClient, rawConnect } from './raw-client.js';

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
const head = (length: number) =>
  `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;

describe('slow clients', () => {
  let upstream: MockUpstream;
  let proxy: StartedProxy | undefined;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    upstream = await createMockUpstream({ name: 'mock', apiKey: 'key-mock' });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await proxy?.close();
    proxy = undefined;
    await upstream.close();
  });
  const sdk = (url: string) => new Anthropic({ baseURL: url, apiKey: 'client', maxRetries: 0 });
  const raw = async (url: string, localAddress?: string, allowHalfOpen?: boolean) => {
    const client = await rawConnect(url, { localAddress, allowHalfOpen });
    clients.push(client);
    return client;
  };

  it('cuts a request head sent one byte at a time after headers_timeout with a 408, while others are served', async () => {
    proxy = await startProxy([target('mock', upstream.url)], { headersTimeoutInMs: 600 });
    const slow = await raw(proxy.url);
    const startedAt = performance.now();
    // Every gap (100 ms) is far inside the timeout: only a bound on the whole head can cut this.
    const dripped = slow.drip(head(2), 100);
    const answer = await sdk(proxy.url).messages.create(ask);
    expect(answer.content[0]).toMatchObject({ type: 'text' });
    const text = await slow.closed(4_000);
    const elapsedInMs = performance.now() - startedAt;
    expect(await dripped).toBeLessThan(head(2).length);
    expect(elapsedInMs).toBeGreaterThanOrEqual(550);
    const cut = parseAnswer(text);
    expect(cut.status).toBe(408);
    expect(cut.headers.connection).toBe('close');
    expect(JSON.parse(cut.body)).toEqual({
      type: 'error',
      error: { type: 'timeout_error', message: expect.stringContaining('server.headers_timeout') },
    });
    expect(upstream.requests).toHaveLength(1);
  });

  it('also closes a connection that never sends a byte after headers_timeout', async () => {
    proxy = await startProxy([target('mock', upstream.url)], { headersTimeoutInMs: 300 });
    const silent = await raw(proxy.url);
    expect(parseAnswer(await silent.closed(3_000)).status).toBe(408);
  });

  it('never acts on a head that is completed after its 408', async () => {
    proxy = await startProxy([target('mock', upstream.url)], { headersTimeoutInMs: 300 });
    const late = await raw(proxy.url, undefined, true);
    const body = messageBody();
    const whole = `${head(Buffer.byteLength(body))}${body}`;
    late.socket.write(whole.slice(0, 20));
    await late.waitFor('408 Request Timeout');
    // The client had not seen the answer yet and sends the rest; then it is done.
    late.socket.end(whole.slice(20));
    expect(parseAnswer(await late.closed(3_000)).status).toBe(408);
    expect(upstream.requests).toHaveLength(0);
    expect(proxy.records).toHaveLength(0);
  });

  it('keeps serving while a few hundred slow-head sockets from one client are refused or cut', async () => {
    proxy = await startProxy([target('mock', upstream.url)], {
      headersTimeoutInMs: 800,
      maxConnectionsPerClient: 20,
    });
    // The attacker connects from another loopback address: the per-client cap is its own, not the user's.
    const url = proxy.url;
    const attackers = await Promise.all(Array.from({ length: 300 }, () => raw(url, '127.0.0.2')));
    const drips = attackers.map((socket) => socket.drip(head(2), 50));
    const answers = await Promise.all(Array.from({ length: 5 }, () => sdk(url).messages.create(ask)));
    expect(answers).toHaveLength(5);
    const statuses = (await Promise.all(attackers.map((socket) => socket.closed(5_000)))).map(
      (text) => parseAnswer(text).status,
    );
    await Promise.all(drips);
    // Every attacker socket is refused (503, over the cap) or cut (408, its head too slow). At most 20 hold a slot at
    // once; on a loaded machine the first ones can time out before the last connect, freeing slots for a few more.
    expect(statuses.every((status) => status === 503 || status === 408)).toBe(true);
    expect(statuses.filter((status) => status === 408).length).toBeGreaterThanOrEqual(20);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThanOrEqual(200);
    // The user is served again at once.
    expect((await sdk(url).messages.create(ask)).type).toBe('message');
  });

  it('answers 408 timeout_error and closes when a body stalls for body_timeout', async () => {
    proxy = await startProxy([target('mock', upstream.url)], { bodyTimeoutInMs: 300 });
    const stalled = await raw(proxy.url);
    stalled.socket.write(`${head(100)}{"model":`);
    const answer = parseAnswer(await stalled.closed(3_000));
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body).error).toEqual({
      type: 'timeout_error',
      message: expect.stringContaining('server.body_timeout'),
    });
    expect(upstream.requests).toHaveLength(0);
  });

  it('takes a slow but steady body that lasts longer than body_timeout and headers_timeout in total', async () => {
    proxy = await startProxy([target('mock', upstream.url)], {
      bodyTimeoutInMs: 300,
      headersTimeoutInMs: 300,
    });
    const steady = await raw(proxy.url);
    const body = messageBody();
    steady.socket.write(head(Buffer.byteLength(body)));
    // Gaps of 60 ms; the whole body takes several times the timeout.
    await steady.drip(body.slice(0, 30), 60);
    steady.socket.write(body.slice(30));
    const answer = parseAnswer(await steady.waitFor('"end_turn"'));
    expect(answer.status).toBe(200);
  });

  it('closes a keep-alive connection idle for idle_timeout', async () => {
    proxy = await startProxy([target('mock', upstream.url)], { idleTimeoutInMs: 300 });
    const idle = await raw(proxy.url);
    const body = messageBody();
    idle.socket.write(`${head(Buffer.byteLength(body))}${body}`);
    await idle.waitFor('"end_turn"');
    const text = await idle.closed(3_000);
    // One answer, kept alive, then closed without another word.
    expect(parseAnswer(text).status).toBe(200);
    expect(parseAnswer(text).headers.connection).toBe('keep-alive');
  });

  it('lets a stream with gaps longer than every client timeout finish', async () => {
    await upstream.close();
    upstream = await createMockUpstream({
      name: 'mock',
      apiKey: 'key-mock',
      streamEvents: 4,
      streamIntervalInMs: 250,
    });
    proxy = await startProxy([target('mock', upstream.url)], {
      headersTimeoutInMs: 100,
      bodyTimeoutInMs: 100,
      idleTimeoutInMs: 100,
    });
    const startedAt = performance.now();
    const events: string[] = [];
    const stream = await sdk(proxy.url).messages.create({ ...ask, stream: true });
    for await (const event of stream) events.push(event.type);
    expect(performance.now() - startedAt).toBeGreaterThan(1_000);
    expect(events.at(0)).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(events.filter((type) => type === 'content_block_delta')).toHaveLength(4);
  });
});
