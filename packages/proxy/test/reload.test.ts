import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProxyServerSettings, UpstreamTarget } from '../src/index.js';
import {
  entriesOf,
  fixedPlanner,
  messageBody,
  messageReply,
  post,
  recordingCloses,
  type StartedProxy,
  startProxy,
  startRawUpstream,
  target,
} from './harness.js';
import { head, tail } from './sse-frames.js';

const message = messageReply({ id: 'msg_2' });

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

/** An upstream that counts the requests and the TCP connections it gets, and keeps the sockets. */
async function startCountingUpstream(answer: Answer = answerMessage) {
  const requests: IncomingMessage[] = [];
  const sockets: Socket[] = [];
  const upstream = await startRawUpstream((incoming, outgoing) => {
    requests.push(incoming);
    answer(incoming, outgoing);
  });
  upstream.server.on('connection', (socket: Socket) => sockets.push(socket));
  return { ...upstream, requests, sockets };
}

function answerMessage(incoming: IncomingMessage, outgoing: ServerResponse): void {
  incoming.resume();
  incoming.on('end', () => outgoing.writeHead(200, { 'content-type': 'application/json' }).end(message));
}

/** A stream that sends its head, then waits for `release()` to send the rest. */
function holdingStream() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const answer: Answer = (incoming, outgoing) => {
    incoming.resume();
    outgoing.writeHead(200, { 'content-type': 'text/event-stream' });
    outgoing.write(head);
    void released.then(() => outgoing.end(tail));
  };
  return { answer, release };
}

/** Streams a message request; resolves once the head arrived, with the rest of the body to come. */
async function startStream(url: string) {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: messageBody({ stream: true }),
  });
  const iterator = response.body[Symbol.asyncIterator]();
  let received = '';
  while (received.length < head.length) {
    const next = await iterator.next();
    if (next.done === true) break;
    received += next.value.toString();
  }
  expect(received).toBe(head);
  return {
    async rest(): Promise<string> {
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
        received += next.value.toString();
      }
      return received;
    },
  };
}

/** Settings for a reload with the tests' short shutdown grace. */
function settings(targets: readonly UpstreamTarget[], order: readonly string[]): ProxyServerSettings {
  return { upstreams: entriesOf(targets), planner: fixedPlanner(order), shutdownGraceInMs: 2_000 };
}

/** Whether `promise` has settled by the time the events already queued have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('reconfigure: one snapshot per request, pools retired and drained', () => {
  let proxy: StartedProxy | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    for (const close of closers.splice(0)) await close();
  });

  it('finishes a stream started before a reload that removes its provider, and sends later requests elsewhere', async () => {
    const stream = holdingStream();
    const removed = await startCountingUpstream(stream.answer);
    const kept = await startCountingUpstream();
    closers.push(removed.close, kept.close);
    proxy = await startProxy([target('a', removed.url), target('b', kept.url)], {
      planner: fixedPlanner(['a', 'b']),
    });
    const running = await startStream(proxy.url);
    // The new planner still names `a` first (a router not yet told): the new upstreams alone decide.
    const reconfigured = proxy.server.reconfigure(settings([target('b', kept.url)], ['a', 'b']));
    expect(reconfigured.retired).toEqual(['a']);
    const later = await post(proxy.url, '/v1/messages', messageBody());
    expect(later.status).toBe(200);
    expect(later.headers['x-ccb-provider']).toBe('b');
    expect(removed.requests).toHaveLength(1);
    expect(proxy.server.handler.inFlight).toBe(1);
    expect(await settled(reconfigured.drained)).toBe(false);

    stream.release();
    expect(await running.rest()).toBe(head + tail);
    await reconfigured.drained;
    expect(proxy.server.handler.inFlight).toBe(0);
    // The retired pool is closed: its connection to `a` goes away.
    const socket = removed.sockets[0] as Socket;
    if (!socket.destroyed) await once(socket, 'close');
    expect(removed.requests).toHaveLength(1);
  });

  it('fails a request started before a reload over to the upstreams it started with', async () => {
    let arrived!: () => void;
    const hasArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const failing = await startCountingUpstream((incoming, outgoing) => {
      incoming.resume();
      arrived();
      void released.then(() =>
        outgoing
          .writeHead(529, { 'content-type': 'application/json' })
          .end('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
      );
    });
    const fallback = await startCountingUpstream();
    closers.push(failing.close, fallback.close);
    proxy = await startProxy([target('a', failing.url), target('b', fallback.url)]);
    const first = post(proxy.url, '/v1/messages', messageBody());
    await hasArrived;
    const reconfigured = proxy.server.reconfigure(settings([target('a', failing.url)], ['a', 'b']));
    expect(reconfigured.retired).toEqual(['b']);
    release();
    const answer = await first;
    expect(answer.status).toBe(200);
    expect(answer.headers['x-ccb-provider']).toBe('b');
    await reconfigured.drained;
    // Started after: `b` is gone, so `a`'s 529 is the answer.
    const later = await post(proxy.url, '/v1/messages', messageBody());
    expect(later.status).toBe(529);
    expect(fallback.requests).toHaveLength(1);
    expect(failing.requests).toHaveLength(2);
  });

  it('keeps the pool of an upstream whose origin and connect timeout are unchanged: no new connection', async () => {
    const upstream = await startCountingUpstream();
    closers.push(upstream.close);
    proxy = await startProxy([target('a', upstream.url)]);
    expect((await post(proxy.url, '/v1/messages', messageBody())).status).toBe(200);
    expect(upstream.sockets).toHaveLength(1);
    const changed = target('a', upstream.url, { apiKey: 'key-rotated' });
    const reconfigured = proxy.server.reconfigure({
      ...settings([], ['a']),
      upstreams: entriesOf([changed], { firstByteInMs: 7_000, streamIdleInMs: 9_000 }),
    });
    expect(reconfigured.retired).toEqual([]);
    await reconfigured.drained;
    expect((await post(proxy.url, '/v1/messages', messageBody())).status).toBe(200);
    expect(upstream.sockets).toHaveLength(1);
    expect(upstream.requests.map((incoming) => incoming.headers['x-api-key'])).toEqual([
      'key-a',
      'key-rotated',
    ]);
  });

  it('retires the pool of an upstream whose origin changed, and closes it once drained', async () => {
    const before = await startCountingUpstream();
    const after = await startCountingUpstream();
    closers.push(before.close, after.close);
    proxy = await startProxy([target('a', before.url)]);
    expect((await post(proxy.url, '/v1/messages', messageBody())).status).toBe(200);
    const reconfigured = proxy.server.reconfigure(settings([target('a', after.url)], ['a']));
    expect(reconfigured.retired).toEqual(['a']);
    await reconfigured.drained;
    const socket = before.sockets[0] as Socket;
    if (!socket.destroyed) await once(socket, 'close');
    expect((await post(proxy.url, '/v1/messages', messageBody())).status).toBe(200);
    expect([before.requests.length, after.requests.length]).toEqual([1, 1]);
  });

  it('closes a pool kept by one reload and retired by the next only after requests of both older snapshots end', async () => {
    const stream = holdingStream();
    const upstream = await startCountingUpstream(stream.answer);
    const other = await startCountingUpstream();
    closers.push(upstream.close, other.close);
    const closed: string[] = [];
    proxy = await startProxy([target('a', upstream.url)], { createDispatcher: recordingCloses(closed) });
    const running = await startStream(proxy.url);
    const first = proxy.server.reconfigure(settings([target('a', upstream.url, { apiKey: 'key-2' })], ['a']));
    const second = proxy.server.reconfigure(settings([target('b', other.url)], ['b']));
    expect([first.retired, second.retired]).toEqual([[], ['a']]);
    expect(await post(proxy.url, '/v1/messages', messageBody())).toMatchObject({ status: 200 });
    expect(await settled(first.drained)).toBe(false);
    expect(await settled(second.drained)).toBe(false);
    expect(closed).toEqual([]);
    stream.release();
    expect(await running.rest()).toBe(head + tail);
    await Promise.all([first.drained, second.drained]);
    expect(closed).toEqual(['a']);
    expect(proxy.server.handler.inFlight).toBe(0);
  });

  it('ends streams of every snapshot at close past the grace period, and closes live and retired pools', async () => {
    const stream = holdingStream();
    const stalled = await startCountingUpstream(stream.answer);
    const other = await startCountingUpstream();
    closers.push(stalled.close, other.close);
    const closed: string[] = [];
    proxy = await startProxy([target('a', stalled.url)], { createDispatcher: recordingCloses(closed) });
    const recorded = proxy.nextRecord();
    const running = await startStream(proxy.url);
    const reconfigured = proxy.server.reconfigure({
      ...settings([target('b', other.url)], ['b']),
      shutdownGraceInMs: 50,
    });
    expect(reconfigured.retired).toEqual(['a']);
    expect(closed).toEqual([]);
    await proxy.close();
    proxy = undefined;
    expect(await running.rest()).toContain('event: error');
    expect((await recorded).provider).toBe('a');
    expect(closed.sort()).toEqual(['a', 'b']);
    await reconfigured.drained;
    expect(closed).toHaveLength(2);
  });
});
