import { request as httpRequest } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpstreamTarget } from '../src/index.js';
import {
  fixedPlanner,
  messageBody,
  messageReply,
  post,
  startProxy,
  startRawUpstream,
  target,
} from './harness.js';

// The exchange runs as a state machine driven by callbacks (an attempt's end reaches it in a microtask of its own).
// These pin what its async/await predecessor did on the paths a callback could get wrong: credential renewal,
// faults once a request was handed to undici, and hooks that throw after an answer was committed.

const okBody = messageReply();
const unauthorizedBody = JSON.stringify({
  type: 'error',
  error: { type: 'authentication_error', message: 'invalid x-api-key' },
});

type Upstream = Awaited<ReturnType<typeof startRawUpstream>>;

/** An upstream answering each request with `answer(n)` (n from 1), counting them. */
async function countingUpstream(
  answer: (n: number) => [number, string],
): Promise<Upstream & { hits(): number }> {
  let hits = 0;
  const upstream = await startRawUpstream((request, response) => {
    request.resume();
    request.on('end', () => {
      hits += 1;
      const [status, body] = answer(hits);
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body);
    });
  });
  return { ...upstream, hits: () => hits };
}

/** Attempt hooks that count the attempts in flight per provider, as a gauge built on them would. */
function inFlightHooks() {
  const inFlight = new Map<string, number>();
  const started: string[] = [];
  const ended: string[] = [];
  return {
    inFlight,
    started,
    ended,
    onAttemptStart: (name: string) => {
      started.push(name);
      inFlight.set(name, (inFlight.get(name) ?? 0) + 1);
    },
    onAttemptEnd: (name: string) => {
      ended.push(name);
      inFlight.set(name, (inFlight.get(name) ?? 0) - 1);
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('credential renewal', () => {
  it('sends again to the same provider once a 401 renewed its credentials, as one attempt', async () => {
    const upstream = await countingUpstream((n) => (n === 1 ? [401, unauthorizedBody] : [200, okBody]));
    cleanups.push(() => upstream.close());
    let renewals = 0;
    const a: UpstreamTarget = {
      ...target('a', upstream.url),
      invalidateCredentials: () => {
        renewals += 1;
        return true;
      },
    };
    const planner = fixedPlanner(['a']);
    const hooks = inFlightHooks();
    const proxy = await startProxy([a], { planner, ...hooks });
    cleanups.push(() => proxy.close());
    const recorded = proxy.nextRecord();
    const answer = await post(proxy.url, '/v1/messages', messageBody());
    expect(answer.status).toBe(200);
    const record = await recorded;
    expect(upstream.hits()).toBe(2);
    expect(renewals).toBe(1);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.result])).toEqual([['a', 'success']]);
    expect(planner.reports.map(([name, outcome]) => [name, outcome.result])).toEqual([['a', 'success']]);
    expect(Object.fromEntries(hooks.inFlight)).toEqual({ a: 0 });
  });

  it('renews once only, then fails over to the next provider', async () => {
    const refusing = await countingUpstream(() => [401, unauthorizedBody]);
    const serving = await countingUpstream(() => [200, okBody]);
    cleanups.push(
      () => refusing.close(),
      () => serving.close(),
    );
    let renewals = 0;
    const a: UpstreamTarget = {
      ...target('a', refusing.url),
      invalidateCredentials: async () => {
        renewals += 1;
        return true;
      },
    };
    const planner = fixedPlanner(['a', 'b']);
    const hooks = inFlightHooks();
    const proxy = await startProxy([a, target('b', serving.url)], { planner, ...hooks });
    cleanups.push(() => proxy.close());
    const recorded = proxy.nextRecord();
    const answer = await post(proxy.url, '/v1/messages', messageBody());
    expect(answer.status).toBe(200);
    const record = await recorded;
    expect(refusing.hits()).toBe(2);
    expect(renewals).toBe(1);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.result, attempt.status])).toEqual([
      ['a', 'failure', 401],
      ['b', 'success', 200],
    ]);
    expect(planner.reports.map(([name]) => name)).toEqual(['a', 'b']);
    expect(Object.fromEntries(hooks.inFlight)).toEqual({ a: 0, b: 0 });
  });

  it('sends nothing again when the client left while the credentials renewed', async () => {
    const refusing = await countingUpstream(() => [401, unauthorizedBody]);
    cleanups.push(() => refusing.close());
    let renew!: (renewed: boolean) => void;
    let renewing!: () => void;
    const renewalStarted = new Promise<void>((resolve) => {
      renewing = resolve;
    });
    const a: UpstreamTarget = {
      ...target('a', refusing.url),
      invalidateCredentials: () => {
        renewing();
        return new Promise<boolean>((resolve) => {
          renew = resolve;
        });
      },
    };
    const hooks = inFlightHooks();
    const proxy = await startProxy([a], { planner: fixedPlanner(['a']), ...hooks });
    cleanups.push(() => proxy.close());
    const recorded = proxy.nextRecord();
    const client = httpRequest(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const clientClosed = new Promise<void>((resolve) => client.on('close', resolve));
    client.on('error', () => {});
    client.end(messageBody());
    await renewalStarted;
    client.destroy();
    await clientClosed;
    renew(true);
    const record = await recorded;
    expect(record.status).toBe(499);
    expect(refusing.hits()).toBe(1);
    expect(Object.fromEntries(hooks.inFlight)).toEqual({ a: 0 });
  });
});

describe('faults once a request was handed over', () => {
  it('answers a dispatcher that fails the handler and then throws with a 500, and tries no other provider', async () => {
    const serving = await countingUpstream(() => [200, okBody]);
    cleanups.push(() => serving.close());
    const planner = fixedPlanner(['a', 'b']);
    const hooks = inFlightHooks();
    const broken = {
      dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        const controller = {
          abort() {},
          pause() {},
          resume() {},
        } as unknown as Dispatcher.DispatchController;
        handler.onResponseError?.(controller, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
        throw new Error('dispatcher broke');
      },
      close: async () => {},
      destroy: async () => {},
    } as unknown as Dispatcher;
    const proxy = await startProxy([target('a', serving.url), target('b', serving.url)], {
      planner,
      ...hooks,
      createDispatcher: (entry) => (entry.target.name === 'a' ? broken : new Agent()),
    });
    cleanups.push(() => proxy.close());
    const answer = await post(proxy.url, '/v1/messages', messageBody());
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text).error.message).toBe('ccb internal error: dispatcher broke');
    // What the handler saw before the throw must not go on as a failover: an attempt of b, or a report of a, would
    // have happened before the 500 left.
    expect(hooks.started).toEqual(['a']);
    expect(hooks.ended).toEqual(['a']);
    expect(planner.reports).toHaveLength(0);
    expect(proxy.records).toHaveLength(0);
    expect(serving.hits()).toBe(0);
  });

  it('ends the attempt once when the request cannot be built, and a shutdown finds nothing left to end', async () => {
    const serving = await countingUpstream(() => [200, okBody]);
    cleanups.push(() => serving.close());
    const hooks = inFlightHooks();
    const a: UpstreamTarget = { ...target('a', serving.url), credentialHeaders: () => 42 as never };
    const proxy = await startProxy([a], { planner: fixedPlanner(['a']), ...hooks });
    const answer = await post(proxy.url, '/v1/messages', messageBody());
    expect(answer.status).toBe(500);
    await proxy.close();
    expect(hooks.ended).toEqual(['a']);
    expect(proxy.records).toHaveLength(0);
    expect(serving.hits()).toBe(0);
  });

  it('stays up when the planner faults on the report of an answer already sent', async () => {
    const serving = await countingUpstream(() => [200, okBody]);
    cleanups.push(() => serving.close());
    let faults = 1;
    const proxy = await startProxy([target('a', serving.url)], {
      planner: {
        route: () => ({ providers: ['a'] }),
        report: () => {
          if (faults-- > 0) throw new Error('report broke');
        },
      },
    });
    cleanups.push(() => proxy.close());
    const answered = await post(proxy.url, '/v1/messages', messageBody());
    // The answer was whole before the attempt's end was told: the client keeps it.
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text).id).toBe('msg_1');
    const next = await post(proxy.url, '/v1/messages', messageBody());
    expect(next.status).toBe(200);
  });
});
