import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openCountingWindow, smallRequest } from './_counting-window-fixture.js';
import { createSampleRecorder } from './latency-stats.js';
import { runAutocannon } from './run-autocannon.js';

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (running === undefined) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe('runAutocannon', () => {
  it('counts every answer in the window but samples none that opened its connection, and keeps those apart, on the wire', async () => {
    const connections = new Set<unknown>();
    server = createServer((request, response) => {
      connections.add(request.socket);
      request.resume();
      request.on('end', () => response.end('{}'));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    expect(connections.size).toBe(2);
    expect(result).toEqual({ completed: 6, failed: 0 });
    expect(latencies.count).toBe(4);
    expect(openingLatencies.count).toBe(2);
  });
  it('marks a connection opened by an error answer too: the later 2xx answers are the samples', async () => {
    const answered = new WeakSet<object>();
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        // Each connection's first answer is a 503 (the socket kept alive), the rest 200.
        const first = !answered.has(request.socket);
        answered.add(request.socket);
        response.statusCode = first ? 503 : 200;
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const window = await openCountingWindow();
    const latencies = createSampleRecorder();
    const result = await runAutocannon({
      url,
      requests: [smallRequest],
      connections: 2,
      amount: 6,
      window,
      latencies,
    });
    window.close();
    expect(result).toEqual({ completed: 4, failed: 2 });
    expect(latencies.count).toBe(4);
  });
});
