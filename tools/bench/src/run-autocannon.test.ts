import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { openCountingWindow, smallRequest } from './_counting-window-fixture.js';
import { loopbackServers } from './_loopback-server-fixture.js';
import { createSampleRecorder } from './latency-stats.js';
import { runAutocannon } from './run-autocannon.js';

const serve = loopbackServers();

/**
 * Answers each request with `answer` once its body is in, on a port the OS chose, and runs autocannon against it with
 * two connections for six answers in a window that counts them all: what it counted, sampled and kept apart.
 */
async function loadTwoConnections(answer: (request: IncomingMessage, response: ServerResponse) => void) {
  const { url } = await serve((request, response) => {
    request.resume();
    request.on('end', () => answer(request, response));
  });
  const window = await openCountingWindow();
  const latencies = createSampleRecorder();
  const openingLatencies = createSampleRecorder();
  const result = await runAutocannon({
    url,
    requests: [smallRequest],
    connections: 2,
    amount: 6,
    window,
    latencies,
    openingLatencies,
  });
  window.close();
  return { result, samples: latencies.count, opening: openingLatencies.count };
}

describe('runAutocannon', () => {
  it('counts every answer in the window but samples none that opened its connection, and keeps those apart', async () => {
    const sockets = new Set<unknown>();
    const loaded = await loadTwoConnections((request, response) => {
      sockets.add(request.socket);
      response.end('{}');
    });
    expect(sockets.size).toBe(2);
    expect(loaded).toEqual({ result: { completed: 6, failed: 0 }, samples: 4, opening: 2 });
  });

  it('marks a connection opened by an error answer too: the later 2xx answers are the samples', async () => {
    const answered = new WeakSet<object>();
    const loaded = await loadTwoConnections((request, response) => {
      // Each connection's first answer is a 503 (the socket kept alive), the rest 200.
      response.statusCode = answered.has(request.socket) ? 200 : 503;
      answered.add(request.socket);
      response.end('{}');
    });
    expect(loaded).toEqual({ result: { completed: 4, failed: 2 }, samples: 4, opening: 0 });
  });
});
