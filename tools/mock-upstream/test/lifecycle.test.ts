import { describe, expect, it } from 'vitest';
import { createMockUpstream } from '../src/create-mock-upstream.js';
import { MockUpstreamError } from '../src/mock-upstream-error.js';
import { startMockUpstreams } from '../src/start-mock-upstreams.js';
import { jsonOf, messagesBody, postJson, readEvents, startMock } from './helpers.js';

describe('client aborts', () => {
  it('stops the stream when the client disconnects and resolves waitForAbort', async () => {
    const mock = await startMock({ streamEvents: 1000, streamIntervalInMs: 5 });
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }));
    const { events, reader } = await readEvents(response, 3);
    expect(events).toHaveLength(3);
    expect(mock.activeRequests).toBe(1);
    await reader.cancel();
    await mock.waitForAbort();
    expect(mock.activeRequests).toBe(0);
    expect(mock.abortCount).toBe(1);
  });

  it('gives each waitForAbort call one abort, including aborts that happened before the call', async () => {
    const mock = await startMock();
    mock.inject({ kind: 'hang' }, 2);
    const controllers = [new AbortController(), new AbortController()];
    const requests = controllers.map((controller) =>
      fetch(`${mock.url}/v1/messages`, {
        method: 'POST',
        body: JSON.stringify(messagesBody()),
        signal: controller.signal,
      }).catch((error: unknown) => error),
    );
    await mock.waitForRequests(2);
    for (const controller of controllers) controller.abort();
    await Promise.all(requests);
    await mock.waitForAbort();
    await mock.waitForAbort();
    expect(mock.abortCount).toBe(2);
    const third = await mock.waitForAbort(10).catch((error: unknown) => error);
    expect((third as MockUpstreamError).code).toBe('CCB_MOCK_UPSTREAM_WAIT_TIMEOUT');
  });
});

describe('close', () => {
  it('ends stalled streams at once, rejects pending waits, and is idempotent', async () => {
    const mock = await createMockUpstream();
    mock.inject({ kind: 'stall-after', events: 1 });
    const response = await postJson(`${mock.url}/v1/messages`, messagesBody({ stream: true }));
    const { reader } = await readEvents(response, 1);
    const waiting = mock.waitForRequests(5).catch((error: unknown) => error);
    await Promise.all([mock.close(), mock.close()]);
    await expect(reader.read()).rejects.toThrow();
    expect(((await waiting) as MockUpstreamError).code).toBe('CCB_MOCK_UPSTREAM_CLOSED');
    await expect(mock.waitForAbort()).rejects.toMatchObject({ code: 'CCB_MOCK_UPSTREAM_CLOSED' });
    expect(mock.activeRequests).toBe(0);
    expect(mock.abortCount).toBe(0);
    await expect(fetch(`${mock.url}/`)).rejects.toThrow();
  });
});

describe('options', () => {
  it.each([
    [{ streamEvents: 0 }],
    [{ streamIntervalInMs: -1 }],
    [{ port: 70000 }],
    [{ name: 'bad\nname' }],
    [{ rateLimitHeaders: { 'bad header': 'x' } }],
  ])('rejects %j with CCB_MOCK_UPSTREAM_INVALID_OPTIONS', async (options) => {
    await expect(createMockUpstream(options)).rejects.toMatchObject({
      code: 'CCB_MOCK_UPSTREAM_INVALID_OPTIONS',
    });
  });

  it('fails with CCB_MOCK_UPSTREAM_LISTEN_FAILED when the port is taken', async () => {
    const mock = await startMock();
    const error = await createMockUpstream({ port: mock.port }).catch((caught: unknown) => caught);
    expect(MockUpstreamError.is(error)).toBe(true);
    expect((error as MockUpstreamError).code).toBe('CCB_MOCK_UPSTREAM_LISTEN_FAILED');
    expect((error as MockUpstreamError).cause).toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('startMockUpstreams', () => {
  it('starts one mock per config, each answering with its own name', async () => {
    const mocks = await startMockUpstreams([{ name: 'one' }, { name: 'two', replyText: 'second' }]);
    try {
      expect(new Set(mocks.map((mock) => mock.port)).size).toBe(2);
      const replies = await Promise.all(
        mocks.map(
          async (mock) =>
            (await jsonOf(await postJson(`${mock.url}/v1/messages`, messagesBody()))).content[0].text,
        ),
      );
      expect(replies).toEqual(['Hello from one!', 'second']);
    } finally {
      await Promise.all(mocks.map((mock) => mock.close()));
    }
  });

  it('closes the mocks it started when another fails, and throws that failure', async () => {
    const taken = await startMock();
    const probe = await createMockUpstream();
    const freePort = probe.port;
    await probe.close();
    const error = await startMockUpstreams([{ name: 'fine', port: freePort }, { port: taken.port }]).catch(
      (caught: unknown) => caught,
    );
    expect((error as MockUpstreamError).code).toBe('CCB_MOCK_UPSTREAM_LISTEN_FAILED');
    // The port is free again only if the mock that did start was closed.
    const again = await startMock({ port: freePort });
    expect(again.port).toBe(freePort);
  });
});
