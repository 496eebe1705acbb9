import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSampleRecorder } from './latency-stats.js';
import { openMeasurementWindow } from './measurement-window.js';
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
  it('counts every answer in the window but samples none that opened its connection, on the wire', async () => {
    const connections = new Set<unknown>();
    server = createServer((request, response) => {
      connections.add(request.socket);
      request.resume();
      request.on('end', () => response.end('{}'));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let opened: () => void = () => {};
    const counting = new Promise<void>((resolve) => {
      opened = resolve;
    });
    // Every answer counts, and the window treats any request as having left inside it.
    const window = openMeasurementWindow({
      rampInMs: 0,
      settleInMs: 1e9,
      durationInMs: 60_000,
      onOpen: opened,
    });
    await counting;
    const latencies = createSampleRecorder();
    const request = { method: 'POST', path: '/v1/messages', headers: {}, body: Buffer.from('{}') } as const;
    const result = await runAutocannon({
      url,
      requests: [request],
      connections: 2,
      amount: 6,
      window,
      latencies,
    });
    window.close();
    expect(connections.size).toBe(2);
    expect(result).toEqual({ completed: 6, failed: 0 });
    expect(latencies.count).toBe(4);
  });
});
