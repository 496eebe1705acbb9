import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AttemptOutcome, createRouter, type Router } from '../src/index.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];

async function upstream(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The loop a proxy runs: try the plan in order, report every attempt, stop at the first answer. */
async function send(
  router: Router,
  origins: ReadonlyMap<string, string>,
  model: string,
  sessionKey?: string,
) {
  const request = { model, sessionKey };
  const tried: string[] = [];
  for (const name of router.plan(request)) {
    tried.push(name);
    let outcome: AttemptOutcome;
    try {
      const response = await fetch(`${origins.get(name)}/v1/messages`, { method: 'POST', body: '{}' });
      await response.arrayBuffer();
      const headers = Object.fromEntries(response.headers);
      if (response.ok) outcome = { result: 'success', status: response.status, headers };
      else outcome = { result: 'failure', failure: 'status', status: response.status, headers };
    } catch {
      outcome = { result: 'failure', failure: 'connect' };
    }
    router.report(name, outcome, request);
    if (outcome.result === 'success') return { answeredBy: name, tried };
  }
  return { answeredBy: undefined, tried };
}

describe('a failover loop over real upstreams', () => {
  it('fails over on a 429 and keeps the limited upstream out until its retry-after', async () => {
    let nowInMs = 1_000_000;
    const limited = await upstream((_, response) => {
      response.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' });
      response.end('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}');
    });
    const healthy = await upstream((_, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'anthropic-ratelimit-requests-limit': '100',
      });
      response.end('{}');
    });
    const origins = new Map([
      ['limited', limited],
      ['healthy', healthy],
    ]);
    const router = createRouter({
      strategy: 'priority',
      targets: [{ name: 'limited' }, { name: 'healthy' }],
      now: () => nowInMs,
    });

    expect(await send(router, origins, 'claude-sonnet-5')).toEqual({
      answeredBy: 'healthy',
      tried: ['limited', 'healthy'],
    });
    expect(await send(router, origins, 'claude-sonnet-5')).toEqual({
      answeredBy: 'healthy',
      tried: ['healthy'],
    });
    nowInMs += 30_000;
    expect((await send(router, origins, 'claude-sonnet-5')).tried).toEqual(['limited', 'healthy']);
  });

  it('opens the circuit of an upstream that refuses connections and still answers through the other', async () => {
    const refused = await upstream(() => {});
    // Closing it leaves a port that refuses connections.
    await new Promise((resolve) => (servers.pop() as Server).close(resolve));
    const healthy = await upstream((_, response) => response.end('{}'));
    const origins = new Map([
      ['down', refused],
      ['up', healthy],
    ]);
    const router = createRouter({ strategy: 'priority', targets: [{ name: 'down' }, { name: 'up' }] });

    for (let request = 0; request < 3; request++) {
      expect((await send(router, origins, 'claude-haiku-5-5')).answeredBy).toBe('up');
    }
    expect(router.snapshot()[0]).toMatchObject({
      state: 'open',
      usable: false,
      lastError: { kind: 'connect' },
    });
    expect(await send(router, origins, 'claude-haiku-5-5')).toEqual({ answeredBy: 'up', tried: ['up'] });
  });

  it('keeps sessions on the upstream that served them and moves them once when it fails', async () => {
    let oneFails = false;
    const one = await upstream((_, response) => {
      response.writeHead(oneFails ? 500 : 200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    const two = await upstream((_, response) => response.end('{}'));
    const origins = new Map([
      ['one', one],
      ['two', two],
    ]);
    const router = createRouter({
      strategy: 'round-robin',
      random: () => 0,
      targets: [{ name: 'one' }, { name: 'two' }],
    });
    const sessions = ['s0', 's1', 's2', 's3'];
    const homes: (string | undefined)[] = [];
    for (const session of sessions)
      homes.push((await send(router, origins, 'claude-opus-5-5', session)).answeredBy);
    expect(homes).toEqual(['one', 'two', 'one', 'two']);
    for (const [index, session] of sessions.entries()) {
      expect(await send(router, origins, 'claude-opus-5-5', session)).toEqual({
        answeredBy: homes[index],
        tried: [homes[index]],
      });
    }

    oneFails = true;
    expect((await send(router, origins, 'claude-opus-5-5', 's0')).tried).toEqual(['one', 'two']);
    oneFails = false;
    // s0 moved to two and stays there; s2, never failed, stays on one.
    const after: (string | undefined)[] = [];
    for (const session of sessions)
      after.push((await send(router, origins, 'claude-opus-5-5', session)).answeredBy);
    expect(after).toEqual(['two', 'two', 'one', 'two']);
    expect(router.affinityStats()).toMatchObject({ sessions: 4, moves: 1, misses: 4 });
  });
});
