import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Dispatcher, Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fixedPlanner,
  messageBody,
  type StartedProxy,
  startProxy,
  startRawUpstream,
  target,
} from './harness.js';

const frame = (event: string, data: object) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const messageStart = frame('message_start', {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    usage: {
      input_tokens: 120,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 0,
      output_tokens: 1,
    },
  },
});
const contentStart = frame('content_block_start', {
  type: 'content_block_start',
  index: 0,
  content_block: { type: 'text', text: '' },
});
const text = 'All work and no play makes a stream worth counting. '.repeat(8); // 416 bytes of text
const delta = frame('content_block_delta', {
  type: 'content_block_delta',
  index: 0,
  delta: { type: 'text_delta', text },
});
const messageDelta = frame('message_delta', {
  type: 'message_delta',
  delta: { stop_reason: 'end_turn' },
  usage: { output_tokens: 777 },
});

/** An upstream that sends `parts`, then holds the stream open (as a long generation does) until the test ends. */
async function startStallingUpstream(parts: readonly string[]) {
  const aborted: Promise<void>[] = [];
  const upstream = await startRawUpstream((incoming: IncomingMessage, outgoing: ServerResponse) => {
    incoming.resume();
    aborted.push(once(outgoing, 'close').then(() => {}));
    outgoing.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_stall' });
    for (const part of parts) outgoing.write(part);
  });
  return { upstream, aborted };
}

/** Streams a message request and resolves with the response once `until` holds for what arrived so far. */
async function streamUntil(url: string, until: (received: string) => boolean) {
  const outgoing = httpRequest(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  outgoing.end(messageBody({ stream: true }));
  const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
  let received = '';
  const ended = new Promise<string>((resolve) => {
    response.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    response.on('end', () => resolve(received));
    response.on('close', () => resolve(received));
  });
  await new Promise<void>((resolve) => {
    const check = () => {
      if (until(received)) {
        response.off('data', check);
        resolve();
      }
    };
    response.on('data', check);
  });
  return { request: outgoing, response, ended };
}

describe('cancelled and cut streams are counted', () => {
  let proxy: StartedProxy | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  it("records a stream the client cancels with message_start's input and an estimate of the output relayed", async () => {
    const { upstream, aborted } = await startStallingUpstream([
      messageStart,
      contentStart,
      delta,
      delta,
      delta,
    ]);
    closers.push(() => upstream.close());
    const planner = fixedPlanner(['stall']);
    proxy = await startProxy([target('stall', upstream.url)], { planner });
    const recorded = proxy.nextRecord();
    const stream = await streamUntil(
      proxy.url,
      (received) => received.split('content_block_delta').length > 3,
    );
    stream.request.destroy();
    const record = await recorded;
    expect(record.status).toBe(499);
    expect(record.outcome).toBe('cancelled');
    expect(record.provider).toBe('stall');
    expect(record.upstreamRequestId).toBe('req_stall');
    expect(record.usage).toMatchObject({ inputTokens: 120, cacheReadInputTokens: 30, outputEstimated: true });
    // Three deltas of 416 bytes of text, at about 4 bytes per token.
    expect(record.usage?.outputTokens).toBeGreaterThanOrEqual(300);
    expect(record.usage?.outputTokens).toBeLessThanOrEqual(320);
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]).toMatchObject({
      provider: 'stall',
      result: 'success',
      reason: 'client disconnected',
    });
    expect(record.attempts[0]?.usage).toEqual(record.usage);
    expect(planner.reports.map(([name, outcome]) => [name, outcome.result])).toEqual([['stall', 'success']]);
    await aborted[0];
  });

  it('takes the output count from message_delta when the upstream sent it before the client left', async () => {
    const { upstream } = await startStallingUpstream([messageStart, contentStart, delta, messageDelta]);
    closers.push(() => upstream.close());
    proxy = await startProxy([target('stall', upstream.url)]);
    const recorded = proxy.nextRecord();
    const stream = await streamUntil(proxy.url, (received) => received.includes('message_delta'));
    stream.request.destroy();
    const record = await recorded;
    expect(record.usage).toMatchObject({ inputTokens: 120, outputTokens: 777 });
    expect(record.usage?.outputEstimated).toBeUndefined();
  });

  it('counts the input of a stream cancelled while held before content, neutral for the provider', async () => {
    const { upstream } = await startStallingUpstream([messageStart]);
    closers.push(() => upstream.close());
    const planner = fixedPlanner(['stall', 'spare']);
    // Told when ccb has taken in the first chunk of the upstream's answer (message_start), held at its gate.
    let firstChunkTaken!: () => void;
    const taken = new Promise<void>((resolve) => {
      firstChunkTaken = resolve;
    });
    proxy = await startProxy([target('stall', upstream.url), target('spare', upstream.url)], {
      planner,
      createDispatcher: (entry) =>
        new Pool(entry.target.origin).compose(
          (dispatch) => (options, handler) =>
            dispatch(options, {
              ...handler,
              onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
              onResponseStart: (controller, status, headers, message) =>
                handler.onResponseStart?.(controller, status, headers, message),
              onResponseData: (controller, chunk) => {
                handler.onResponseData?.(controller, chunk);
                firstChunkTaken();
              },
              onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
              onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
            } as Dispatcher.DispatchHandler),
        ),
    });
    const recorded = proxy.nextRecord();
    const outgoing = httpRequest(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    outgoing.on('error', () => {});
    outgoing.end(messageBody({ stream: true }));
    // The gate holds message_start back from the client: wait until ccb has taken it in, then leave.
    await taken;
    outgoing.destroy();
    const record = await recorded;
    expect(record.outcome).toBe('cancelled');
    expect(record.usage).toMatchObject({ inputTokens: 120, cacheReadInputTokens: 30 });
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.result])).toEqual([
      ['stall', 'client_error'],
    ]);
    expect(planner.reports.map(([name, outcome]) => [name, outcome.result])).toEqual([
      ['stall', 'client_error'],
    ]);
  });

  it('ends a stream still running when the shutdown grace runs out with an SSE error event, and records it', async () => {
    const { upstream } = await startStallingUpstream([messageStart, contentStart, delta]);
    closers.push(() => upstream.close());
    const started = await startProxy([target('stall', upstream.url)], { shutdownGraceInMs: 50 });
    const recorded = started.nextRecord();
    const stream = await streamUntil(started.url, (received) => received.includes('content_block_delta'));
    await started.close();
    const received = await stream.ended;
    expect(received.startsWith(messageStart + contentStart + delta)).toBe(true);
    expect(received.endsWith('\n\n')).toBe(true);
    const last = received.slice(received.lastIndexOf('event: '));
    expect(last.startsWith('event: error\n')).toBe(true);
    expect(last).toContain('ccb is shutting down');
    const record = await recorded;
    expect(record.status).toBe(200);
    expect(record.usage).toMatchObject({ inputTokens: 120, outputEstimated: true });
    expect(record.attempts[0]?.reason).toBe('ccb is shutting down');
  });

  it('answers a request still waiting for its upstream with a 503 when the shutdown grace runs out', async () => {
    const silent = await startRawUpstream((incoming) => incoming.resume());
    closers.push(() => silent.close());
    const started = await startProxy([target('silent', silent.url)], { shutdownGraceInMs: 50 });
    const recorded = started.nextRecord();
    const outgoing = httpRequest(`${started.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    outgoing.end(messageBody());
    const answered = once(outgoing, 'response') as Promise<[IncomingMessage]>;
    await once(silent.server, 'request');
    await started.close();
    const [response] = await answered;
    expect(response.statusCode).toBe(503);
    let body = '';
    for await (const chunk of response) body += (chunk as Buffer).toString();
    expect(JSON.parse(body)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect((await recorded).status).toBe(503);
  });
});
