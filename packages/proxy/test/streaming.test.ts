import { createMockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { eventNames, messageBody, post, startProxy, startRawUpstream, target } from './harness.js';
import { frame, head, tail } from './sse-frames.js';

function streamHeaders() {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': 'req_up',
  };
}

describe('streaming', () => {
  it('relays SSE bytes unchanged and as they arrive, before the upstream finishes', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const upstream = await startRawUpstream((_request, response) => {
      response.writeHead(200, streamHeaders());
      response.write(head);
      // The rest is only sent once the client has seen the first events: buffering would deadlock this test.
      released.then(() => response.end(tail));
    });
    const proxy = await startProxy([target('raw', upstream.url)]);
    try {
      const recorded = proxy.nextRecord();
      const response = await request(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: messageBody({ stream: true }),
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      let received = '';
      for await (const chunk of response.body) {
        received += chunk.toString();
        if (received === head) release();
      }
      expect(received).toBe(head + tail);
      const record = await recorded;
      expect(record.usage).toMatchObject({ inputTokens: 11, outputTokens: 2 });
      expect(record.upstreamRequestId).toBe('req_up');
      expect(record.stream).toBe(true);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });

  it('ends a stream cut after content with an SSE error event, never a clean end', async () => {
    const mock = await createMockUpstream({ name: 'cut', streamEvents: 5 });
    const proxy = await startProxy([target('cut', mock.url)]);
    try {
      mock.inject({ kind: 'drop-after', events: 4 });
      const recorded = proxy.nextRecord();
      const response = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
      expect(response.status).toBe(200);
      const names = eventNames(response.text);
      expect(names).toContain('content_block_start');
      expect(names.at(-1)).toBe('error');
      expect(names).not.toContain('message_stop');
      const lastData = response.text.trim().split('\n').at(-1) as string;
      expect(JSON.parse(lastData.slice('data: '.length))).toMatchObject({
        type: 'error',
        error: { type: 'api_error' },
      });
      expect((await recorded).attempts[0]).toMatchObject({ result: 'failure', failure: 'stream' });
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('ends a stream that goes silent with an SSE error event after the idle timeout', async () => {
    const mock = await createMockUpstream({ name: 'stall', streamEvents: 5 });
    const proxy = await startProxy([target('stall', mock.url)], { timeouts: { streamIdleInMs: 150 } });
    try {
      mock.inject({ kind: 'stall-after', events: 4 });
      const response = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
      expect(eventNames(response.text).at(-1)).toBe('error');
      expect(response.text).toContain('stream idle timeout');
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('passes an in-band error after content through and records a failure', async () => {
    const mock = await createMockUpstream({ name: 'late-error', streamEvents: 5 });
    const proxy = await startProxy([target('late-error', mock.url)]);
    try {
      mock.inject({ kind: 'sse-error', afterEvents: 4, errorType: 'overloaded_error' });
      const recorded = proxy.nextRecord();
      const response = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
      expect(eventNames(response.text).at(-1)).toBe('error');
      expect(response.text).toContain('overloaded_error');
      expect((await recorded).attempts[0]).toMatchObject({
        result: 'failure',
        errorType: 'overloaded_error',
      });
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('aborts the upstream request as soon as the client disconnects', async () => {
    const mock = await createMockUpstream({ name: 'slow', streamEvents: 50, streamIntervalInMs: 20 });
    const proxy = await startProxy([target('slow', mock.url)]);
    try {
      const controller = new AbortController();
      const response = await request(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: messageBody({ stream: true }),
        signal: controller.signal,
      });
      const iterator = response.body[Symbol.asyncIterator]();
      await iterator.next();
      controller.abort();
      await mock.waitForAbort(2_000);
      expect(mock.abortCount).toBe(1);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });

  it('fails over when a stream shows no content within the first-content timeout', async () => {
    const silent = await startRawUpstream((_request, response) => {
      response.writeHead(200, streamHeaders());
      response.write(
        frame('message_start', { type: 'message_start', message: { usage: { input_tokens: 1 } } }),
      );
    });
    const mock = await createMockUpstream({ name: 'good' });
    const proxy = await startProxy([target('silent', silent.url), target('good', mock.url)], {
      firstContentTimeoutInMs: 100,
    });
    try {
      const response = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
      expect(response.headers['x-ccb-provider']).toBe('good');
      expect(response.text.match(/event: message_start/g)).toHaveLength(1);
    } finally {
      await proxy.close();
      await silent.close();
      await mock.close();
    }
  });

  it('lets an in-flight stream finish during a graceful shutdown, and refuses new connections', async () => {
    const mock = await createMockUpstream({ name: 'long', streamEvents: 10, streamIntervalInMs: 20 });
    const proxy = await startProxy([target('long', mock.url)]);
    const response = await request(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: messageBody({ stream: true }),
    });
    const iterator = response.body[Symbol.asyncIterator]();
    let received = ((await iterator.next()).value as Buffer).toString();
    const closed = proxy.close();
    await expect(
      request(`${proxy.url}/healthz`, { headers: { connection: 'close' } }).then((r) => r.body.text()),
    ).rejects.toThrow();
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      received += next.value.toString();
    await closed;
    expect(eventNames(received).at(-1)).toBe('message_stop');
    expect(proxy.server.server.listening).toBe(false);
    await mock.close();
  });

  it('records usage from the stream', async () => {
    const mock = await createMockUpstream({ name: 'usage', streamEvents: 4 });
    const proxy = await startProxy([target('usage', mock.url)]);
    try {
      const recorded = proxy.nextRecord();
      const response = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
      const deltaLine = response.text.split('\n').find((line) => line.includes('"message_delta"')) as string;
      const delta = JSON.parse(deltaLine.slice('data: '.length));
      const record = await recorded;
      expect(record.usage?.outputTokens).toBe(delta.usage.output_tokens);
      expect(record.usage?.inputTokens).toBeGreaterThan(0);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});
