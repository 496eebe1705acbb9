import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { DedupOptions } from '../src/index.js';
import { messageBody, post, type StartedProxy, startProxy, startRawUpstream, target } from './harness.js';
import { frame, head, tail } from './sse-frames.js';

function dedup(extra: Partial<DedupOptions> = {}): DedupOptions {
  return {
    countTokens: true,
    models: true,
    cacheTtlInMs: 60_000,
    messages: 'in_flight',
    maxReplayInBytes: 8 * 1024 * 1024,
    retryGraceInMs: 0,
    ...extra,
  };
}

/** An upstream that streams `head` at once and holds `tail` until `release()`; it counts and keeps its requests. */
async function holdingStreamUpstream() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const requests: { request: IncomingMessage; response: ServerResponse }[] = [];
  const arrivals: (() => void)[] = [];
  const upstream = await startRawUpstream((upstreamRequest, response) => {
    requests.push({ request: upstreamRequest, response });
    arrivals.shift()?.();
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'request-id': `req_up_${requests.length}`,
    });
    response.write(head);
    void released.then(() => {
      if (!response.destroyed) response.end(tail);
    });
  });
  return {
    ...upstream,
    requests,
    release,
    /** Resolves when the upstream has received `count` requests. */
    received: (count: number): Promise<void> =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => {
            const check = () => (requests.length >= count ? resolve() : arrivals.push(check));
            arrivals.push(check);
          }),
  };
}

/** A streaming client that keeps what it received and can wait for a number of characters. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const response = await request(`${url}/v1/messages`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: messageBody({ stream: true }),
  });
  const state = { text: '' };
  const waiters: { length: number; resolve: () => void }[] = [];
  const done = (async () => {
    try {
      for await (const chunk of response.body) {
        state.text += chunk.toString();
        for (const waiter of waiters.splice(0)) {
          if (state.text.length >= waiter.length) waiter.resolve();
          else waiters.push(waiter);
        }
      }
    } catch {
      // A destroyed body: the test cut it on purpose.
    }
    return state.text;
  })();
  return {
    response,
    done,
    get text() {
      return state.text;
    },
    received: (length: number): Promise<void> =>
      state.text.length >= length
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ length, resolve })),
  };
}

/** The proxy's response to the next request it takes, once that response has its head (a joiner attached). */
async function proxySideJoined(proxy: StartedProxy): Promise<ServerResponse> {
  const [, response] = (await once(proxy.server.server, 'request')) as [unknown, ServerResponse];
  // A joiner gets the call's head as it subscribes, right after its body was read; bounded by the test's timeout.
  while (!response.headersSent) await new Promise((resolve) => setImmediate(resolve));
  return response;
}

/** Resolves when the proxy has seen the `index`-th client response (in arrival order) close. */
function proxySideCloses(proxy: StartedProxy): (index: number) => Promise<void> {
  const closed: Promise<void>[] = [];
  proxy.server.server.on('request', (_request, response: ServerResponse) => {
    closed.push(once(response, 'close').then(() => {}));
  });
  return (index) => closed[index] as Promise<void>;
}

/** The streaming clients' own connections, cut after each test: a cut stream's client may leave one opened. */
let agent = new Agent();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await agent.destroy();
  agent = new Agent();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('request deduplication: count_tokens and models', () => {
  /** Answers each call with its number; `hold` (when given) delays the answers until it resolves. */
  async function countUpstream(hold: Promise<void> = Promise.resolve()) {
    let calls = 0;
    const upstream = await startRawUpstream((_request, response) => {
      calls++;
      const body = JSON.stringify({ input_tokens: 100 + calls });
      void hold.then(() => {
        response.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_up_${calls}` });
        response.end(body);
      });
    });
    cleanups.push(() => upstream.close());
    return { ...upstream, calls: () => calls };
  }

  it('answers 20 identical concurrent count_tokens calls with one upstream call and 20 identical answers', async () => {
    let release!: () => void;
    const upstream = await countUpstream(
      new Promise((resolve) => {
        release = resolve;
      }),
    );
    const proxy = await startProxy([target('a', upstream.url)], { dedup: dedup() });
    cleanups.push(() => proxy.close());
    const bodiesRead: Promise<unknown>[] = [];
    proxy.server.server.on('request', (request: IncomingMessage) => bodiesRead.push(once(request, 'end')));
    const pending = Promise.all(
      Array.from({ length: 20 }, () => post(proxy.url, '/v1/messages/count_tokens', messageBody())),
    );
    // Every body read by the proxy: from there, leading or joining takes no more than microtasks.
    while (bodiesRead.length < 20) await once(proxy.server.server, 'request');
    await Promise.all(bodiesRead);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const answers = await pending;
    expect(upstream.calls()).toBe(1);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('{"input_tokens":101}');
    }
    const ids = new Set(answers.map((answer) => answer.headers['x-request-id']));
    expect(ids.size).toBe(20);
    const joined = answers.filter((answer) => answer.headers['x-ccb-dedup'] === 'joined');
    expect(joined).toHaveLength(19);
    while (proxy.records.length < 20) await proxy.nextRecord();
    const leader = proxy.records.filter((record) => record.dedup === undefined);
    expect(leader).toHaveLength(1);
    expect(leader[0]?.attempts).toHaveLength(1);
    for (const record of proxy.records.filter((item) => item.dedup !== undefined)) {
      expect(record.dedup).toBe('joined');
      expect(record.attempts).toEqual([]);
      expect(record.provider).toBe('a');
      expect(record.status).toBe(200);
      expect(record.bytesOut).toBe('{"input_tokens":101}'.length);
    }
    expect(new Set(proxy.records.map((record) => record.requestId)).size).toBe(20);
  });

  it('reuses a completed answer within the TTL as cached, and makes a new call after it', async () => {
    const upstream = await countUpstream();
    let clock = 1_000;
    const proxy = await startProxy([target('a', upstream.url)], {
      dedup: dedup({ cacheTtlInMs: 60_000, now: () => clock }),
    });
    cleanups.push(() => proxy.close());
    const first = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    expect(first.headers['x-ccb-dedup']).toBeUndefined();
    const recorded = proxy.nextRecord();
    clock += 59_999;
    const second = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    expect(second.headers['x-ccb-dedup']).toBe('cached');
    expect(second.text).toBe(first.text);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    const record = await recorded;
    expect(record).toMatchObject({ dedup: 'cached', status: 200, provider: 'a', attempts: [] });
    expect(record.requestId).toBe(second.headers['x-request-id']);
    clock += 1;
    const third = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    expect(third.headers['x-ccb-dedup']).toBeUndefined();
    expect(third.text).toBe('{"input_tokens":102}');
    expect(upstream.calls()).toBe(2);
  });

  it('never shares an answer between client keys', async () => {
    const upstream = await countUpstream();
    const proxy = await startProxy([target('a', upstream.url)], {
      dedup: dedup(),
      clientApiKeys: ['client-key-a-0123456789', 'client-key-b-0123456789'],
    });
    cleanups.push(() => proxy.close());
    const asA = { 'x-api-key': 'client-key-a-0123456789' };
    const asB = { 'x-api-key': 'client-key-b-0123456789' };
    const a = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), asA);
    const b = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), asB);
    expect(b.headers['x-ccb-dedup']).toBeUndefined();
    expect(a.text).toBe('{"input_tokens":101}');
    expect(b.text).toBe('{"input_tokens":102}');
    const againB = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), asB);
    expect(againB.headers['x-ccb-dedup']).toBe('cached');
    expect(againB.text).toBe(b.text);
    expect(upstream.calls()).toBe(2);
  });

  it('never shares an answer between different credentials when ccb checks no client key (passthrough)', async () => {
    const upstream = await countUpstream();
    const proxy = await startProxy([target('a', upstream.url)], { dedup: dedup() });
    cleanups.push(() => proxy.close());
    const first = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), {
      'x-api-key': 'user-one',
    });
    const other = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), {
      'x-api-key': 'user-two',
    });
    const bearer = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), {
      authorization: 'Bearer user-three',
    });
    expect(other.headers['x-ccb-dedup']).toBeUndefined();
    expect(bearer.headers['x-ccb-dedup']).toBeUndefined();
    expect(upstream.calls()).toBe(3);
    const again = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), {
      'x-api-key': 'user-one',
    });
    expect(again.headers['x-ccb-dedup']).toBe('cached');
    expect(again.text).toBe(first.text);
  });

  it('keys on the encoding the client accepts', async () => {
    const upstream = await countUpstream();
    const proxy = await startProxy([target('a', upstream.url)], { dedup: dedup() });
    cleanups.push(() => proxy.close());
    await post(proxy.url, '/v1/messages/count_tokens', messageBody(), { 'accept-encoding': 'gzip' });
    const plain = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), {
      'accept-encoding': 'identity',
    });
    expect(plain.headers['x-ccb-dedup']).toBeUndefined();
    expect(upstream.calls()).toBe(2);
  });

  it('answers a fault inside ccb with a 500 in Anthropic’s shape, as without dedup', async () => {
    const upstream = await countUpstream();
    const proxy = await startProxy([target('a', upstream.url)], {
      dedup: dedup(),
      admitRequest: () => {
        throw new Error('boom');
      },
    });
    cleanups.push(() => proxy.close());
    const answer = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(JSON.parse(answer.text).error.message).toContain('boom');
  });

  it('keys on the anthropic-beta header and the query', async () => {
    const upstream = await countUpstream();
    const proxy = await startProxy([target('a', upstream.url)], { dedup: dedup() });
    cleanups.push(() => proxy.close());
    await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    const beta = await post(proxy.url, '/v1/messages/count_tokens', messageBody(), {
      'anthropic-beta': 'x-2025',
    });
    const query = await post(proxy.url, '/v1/messages/count_tokens?beta=true', messageBody());
    expect(beta.headers['x-ccb-dedup']).toBeUndefined();
    expect(query.headers['x-ccb-dedup']).toBeUndefined();
    expect(upstream.calls()).toBe(3);
  });

  it('reuses a GET /v1/models answer', async () => {
    const upstream = await countUpstream();
    const proxy = await startProxy([target('a', upstream.url)], { dedup: dedup() });
    cleanups.push(() => proxy.close());
    const first = await request(`${proxy.url}/v1/models`);
    const firstText = await first.body.text();
    const second = await request(`${proxy.url}/v1/models`);
    expect(second.headers['x-ccb-dedup']).toBe('cached');
    expect(await second.body.text()).toBe(firstText);
    expect(upstream.calls()).toBe(1);
  });

  it('never reuses a failed call once it completed', async () => {
    let calls = 0;
    const overloaded = await startRawUpstream((_request, response) => {
      calls++;
      response.writeHead(529, { 'content-type': 'application/json' });
      response.end('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
    });
    cleanups.push(() => overloaded.close());
    const proxy = await startProxy([target('a', overloaded.url), target('b', overloaded.url)], {
      dedup: dedup(),
    });
    cleanups.push(() => proxy.close());
    const first = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    expect(first.status).toBe(529);
    const second = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    expect(second.status).toBe(529);
    expect(second.headers['x-ccb-dedup']).toBeUndefined();
    expect(calls).toBe(4);
  });

  it('costs nothing with dedup left out: every request makes its own call', async () => {
    const upstream = await countUpstream();
    const proxy = await startProxy([target('a', upstream.url)]);
    cleanups.push(() => proxy.close());
    await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    const second = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
    expect(second.headers['x-ccb-dedup']).toBeUndefined();
    expect(upstream.calls()).toBe(2);
  });
});

describe('request deduplication: messages in flight', () => {
  async function setUp(options: Partial<DedupOptions> = {}) {
    const upstream = await holdingStreamUpstream();
    cleanups.push(() => upstream.close());
    const proxy = await startProxy([target('a', upstream.url)], { dedup: dedup(options) });
    cleanups.push(() => proxy.close());
    return { upstream, proxy };
  }

  it('serves 20 identical concurrent streams from one upstream call, byte for byte', async () => {
    const { upstream, proxy } = await setUp();
    const streams = await Promise.all(Array.from({ length: 20 }, () => openStream(proxy.url)));
    await Promise.all(streams.map((stream) => stream.received(head.length)));
    upstream.release();
    const texts = await Promise.all(streams.map((stream) => stream.done));
    for (const text of texts) expect(text).toBe(head + tail);
    expect(upstream.requests).toHaveLength(1);
    expect(streams.filter((stream) => stream.response.headers['x-ccb-dedup'] === 'joined')).toHaveLength(19);
    while (proxy.records.length < 20) await proxy.nextRecord();
    const joined = proxy.records.filter((record) => record.dedup === 'joined');
    expect(joined).toHaveLength(19);
    for (const record of joined) {
      expect(record.usage).toMatchObject({ inputTokens: 11, outputTokens: 2 });
      expect(record.status).toBe(200);
      expect(record.bytesOut).toBe(Buffer.byteLength(head + tail));
      expect(record.stream).toBe(true);
    }
  });

  it('gives a joiner arriving mid-stream the whole stream', async () => {
    const { upstream, proxy } = await setUp();
    const leader = await openStream(proxy.url);
    await leader.received(head.length);
    const joiner = await openStream(proxy.url);
    await joiner.received(head.length);
    expect(joiner.response.headers['x-ccb-dedup']).toBe('joined');
    expect(joiner.response.headers['x-request-id']).not.toBe(leader.response.headers['x-request-id']);
    upstream.release();
    expect(await leader.done).toBe(head + tail);
    expect(await joiner.done).toBe(head + tail);
    expect(upstream.requests).toHaveLength(1);
  });

  it('lets go of a joiner that stops reading once it lags past the replay bound, and the leader finishes', async () => {
    // 32 MB of deltas after the head: far more than loopback socket buffers take without being read.
    const big = frame('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'x'.repeat(64 * 1024) },
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const upstream = await startRawUpstream((_request, response) => {
      calls += 1;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(head);
      void released.then(async () => {
        for (let index = 0; index < 512 && !response.destroyed; index += 1) {
          if (!response.write(big)) await once(response, 'drain');
        }
        if (!response.destroyed) response.end(tail);
      });
    });
    cleanups.push(() => upstream.close());
    const proxy = await startProxy([target('a', upstream.url)], {
      dedup: dedup({ maxReplayInBytes: 256 * 1024 }),
    });
    cleanups.push(() => proxy.close());
    const leader = await openStream(proxy.url);
    await leader.received(head.length);
    // The joiner sends the same request on a raw socket and never reads its answer.
    const { port } = new URL(proxy.url);
    const body = messageBody({ stream: true });
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.pause();
    socket.write(
      `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
        `anthropic-version: 2023-06-01\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const joiner = await proxySideJoined(proxy);
    const joinerLetGo = once(joiner, 'close');
    release();
    const text = await leader.done;
    expect(text.endsWith(tail)).toBe(true);
    expect(text.length).toBe(head.length + 512 * big.length + tail.length);
    expect(calls).toBe(1);
    await joinerLetGo;
    expect(joiner.writableFinished).toBe(false);
    socket.destroy();
  });

  it("keeps the followers going when the leader's client disconnects", async () => {
    const { upstream, proxy } = await setUp();
    const closed = proxySideCloses(proxy);
    const leader = await openStream(proxy.url);
    await leader.received(head.length);
    const follower = await openStream(proxy.url);
    await follower.received(head.length);
    leader.response.body.destroy();
    await closed(0);
    upstream.release();
    expect(await follower.done).toBe(head + tail);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.response.writableFinished).toBe(true);
  });

  it('lets a client that aborts and retries at once be served by the first call within the retry grace', async () => {
    const { upstream, proxy } = await setUp({ retryGraceInMs: 10_000 });
    const closed = proxySideCloses(proxy);
    const first = await openStream(proxy.url);
    await first.received(head.length);
    first.response.body.destroy();
    await closed(0);
    const retry = await openStream(proxy.url);
    await retry.received(head.length);
    upstream.release();
    expect(await retry.done).toBe(head + tail);
    expect(retry.response.headers['x-ccb-dedup']).toBe('joined');
    expect(upstream.requests).toHaveLength(1);
  });

  it('aborts the upstream call at once when the last client leaves with no retry grace', async () => {
    const { upstream, proxy } = await setUp({ retryGraceInMs: 0 });
    const recorded = proxy.nextRecord();
    const only = await openStream(proxy.url);
    await only.received(head.length);
    const upstreamClosed = once(upstream.requests[0]?.response as ServerResponse, 'close');
    only.response.body.destroy();
    await upstreamClosed;
    expect(upstream.requests[0]?.response.writableFinished).toBe(false);
    expect((await recorded).status).toBe(499);
    upstream.release();
  });

  it('gives a joiner of a call that fails the same answer as the leader, and never reuses it', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls = { a: 0, b: 0 };
    const overloaded = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    const answer529 = (response: ServerResponse) => {
      response.writeHead(529, { 'content-type': 'application/json' });
      response.end(overloaded);
    };
    const arrivedAtA: (() => void)[] = [];
    const a = await startRawUpstream((_request, response) => {
      calls.a++;
      arrivedAtA.shift()?.();
      void released.then(() => answer529(response));
    });
    const b = await startRawUpstream((_request, response) => {
      calls.b++;
      answer529(response);
    });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const proxy = await startProxy([target('a', a.url), target('b', b.url)], { dedup: dedup() });
    cleanups.push(() => proxy.close());
    // Each body fully read by the proxy: from there, leading or joining takes no more than microtasks.
    const bodiesRead: Promise<unknown>[] = [];
    proxy.server.server.on('request', (request: IncomingMessage) => bodiesRead.push(once(request, 'end')));
    const atA = new Promise<void>((resolve) => arrivedAtA.push(resolve));
    const leader = post(proxy.url, '/v1/messages', messageBody());
    await atA;
    const joiner = post(proxy.url, '/v1/messages', messageBody());
    while (bodiesRead.length < 2)
      await new Promise((resolve) => proxy.server.server.once('request', resolve));
    await Promise.all(bodiesRead);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    const [led, joined] = await Promise.all([leader, joiner]);
    expect(led.status).toBe(529);
    expect(joined.status).toBe(529);
    expect(joined.text).toBe(led.text);
    expect(joined.headers['x-ccb-dedup']).toBe('joined');
    expect(calls).toEqual({ a: 1, b: 1 });
    const again = await post(proxy.url, '/v1/messages', messageBody());
    expect(again.status).toBe(529);
    expect(again.headers['x-ccb-dedup']).toBeUndefined();
    expect(calls).toEqual({ a: 2, b: 2 });
  });

  it('gives a late joiner its own call once the replay outgrew its bound', async () => {
    const { upstream, proxy } = await setUp({ maxReplayInBytes: 64 });
    const leader = await openStream(proxy.url);
    await leader.received(head.length);
    const late = await openStream(proxy.url);
    await late.received(head.length);
    expect(late.response.headers['x-ccb-dedup']).toBeUndefined();
    expect(upstream.requests).toHaveLength(2);
    upstream.release();
    expect(await leader.done).toBe(head + tail);
    expect(await late.done).toBe(head + tail);
  });

  it("never joins with messages 'off'", async () => {
    const { upstream, proxy } = await setUp({ messages: 'off' });
    const streams = await Promise.all([openStream(proxy.url), openStream(proxy.url)]);
    await upstream.received(2);
    upstream.release();
    for (const stream of streams) {
      expect(await stream.done).toBe(head + tail);
      expect(stream.response.headers['x-ccb-dedup']).toBeUndefined();
    }
    expect(upstream.requests).toHaveLength(2);
  });

  it('never joins across a reload', async () => {
    const { upstream, proxy } = await setUp();
    const before = await openStream(proxy.url);
    await before.received(head.length);
    proxy.server.reconfigure({
      upstreams: [
        {
          target: target('a', upstream.url),
          timeouts: { connectInMs: 2_000, firstByteInMs: 5_000, streamIdleInMs: 5_000 },
        },
      ],
      planner: { route: () => ({ providers: ['a'] }), report: () => {} },
      dedup: dedup(),
    });
    const after = await openStream(proxy.url);
    await after.received(head.length);
    expect(after.response.headers['x-ccb-dedup']).toBeUndefined();
    expect(upstream.requests).toHaveLength(2);
    upstream.release();
    await Promise.all([before.done, after.done]);
  });
});
