import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ReplayMemory, SharedResponse } from './shared-response.js';

/** A client response that records what it got; `full` makes its writes report a full socket. */
class FakeResponse extends EventEmitter {
  full = false;
  destroyed = false;
  writableFinished = false;
  statusCode = 0;
  head: string[] = [];
  body = '';
  writeHead(status: number, head: string[]) {
    this.statusCode = status;
    this.head = head;
    return this;
  }
  write(chunk: Buffer) {
    this.body += chunk.toString();
    return !this.full;
  }
  end() {
    this.writableFinished = true;
    this.emit('close');
    return this;
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
    return this;
  }
  leave() {
    this.destroyed = true;
    this.emit('close');
  }
  get asResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

function sharedCall(
  options: { maxReplayInBytes?: number; retryGraceInMs?: number; memory?: ReplayMemory } = {},
) {
  const events = { unjoinable: 0, ended: [] as boolean[], closed: 0 };
  const shared = new SharedResponse({
    maxReplayInBytes: options.maxReplayInBytes ?? 1024,
    retryGraceInMs: options.retryGraceInMs ?? 0,
    memory: options.memory ?? { bytes: 0, limitInBytes: 1024 * 1024 },
    onUnjoinable: () => events.unjoinable++,
    onEnd: (_call, completed) => events.ended.push(completed),
  });
  shared.on('close', () => events.closed++);
  return { shared, events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SharedResponse', () => {
  it('gives each client its own request id and a joiner the head and every chunk sent before it came', () => {
    const { shared } = sharedCall();
    const leader = new FakeResponse();
    shared.subscribe(leader.asResponse, 'req_leader', undefined);
    shared.writeHead(200, ['content-type', 'text/event-stream', 'x-request-id', 'req_leader']);
    shared.write(Buffer.from('one '));
    const joiner = new FakeResponse();
    shared.subscribe(joiner.asResponse, 'req_joiner', 'joined');
    shared.end(Buffer.from('two'));
    expect(leader.head).toEqual(['content-type', 'text/event-stream', 'x-request-id', 'req_leader']);
    expect(joiner.head).toEqual([
      'content-type',
      'text/event-stream',
      'x-request-id',
      'req_joiner',
      'x-ccb-dedup',
      'joined',
    ]);
    expect(leader.body).toBe('one two');
    expect(joiner.body).toBe('one two');
  });

  it('is paced by the fastest client: full only while every client is full, on again when one can take more', () => {
    const { shared } = sharedCall();
    const fast = new FakeResponse();
    const slowA = new FakeResponse();
    const slowB = new FakeResponse();
    for (const [index, client] of [fast, slowA, slowB].entries()) {
      shared.subscribe(client.asResponse, `req_${index}`, index === 0 ? undefined : 'joined');
    }
    shared.writeHead(200, []);
    slowA.full = true;
    slowB.full = true;
    // Two of three full: the fast one takes the bytes, the slow ones buffer them.
    expect(shared.write(Buffer.from('x'))).toBe(true);
    fast.full = true;
    expect(shared.write(Buffer.from('y'))).toBe(false);
    let drained = 0;
    shared.on('drain', () => drained++);
    slowA.full = false;
    slowA.emit('drain');
    expect(drained).toBe(1);
    expect(shared.write(Buffer.from('z'))).toBe(true);
  });

  it('goes on when the first client leaves, and is cut when the last one leaves without a grace', () => {
    const { shared, events } = sharedCall();
    const leader = new FakeResponse();
    const joiner = new FakeResponse();
    shared.subscribe(leader.asResponse, 'a', undefined);
    shared.subscribe(joiner.asResponse, 'b', 'joined');
    leader.leave();
    expect(events.closed).toBe(0);
    joiner.leave();
    expect(events.closed).toBe(1);
    expect(shared.writableFinished).toBe(false);
    expect(events.ended).toEqual([false]);
  });

  it('waits the retry grace for a retry to join, then cuts the call', () => {
    vi.useFakeTimers();
    const { shared, events } = sharedCall({ retryGraceInMs: 10_000 });
    const first = new FakeResponse();
    shared.subscribe(first.asResponse, 'a', undefined);
    first.leave();
    vi.advanceTimersByTime(9_999);
    expect(events.closed).toBe(0);
    const retry = new FakeResponse();
    shared.subscribe(retry.asResponse, 'b', 'joined');
    vi.advanceTimersByTime(20_000);
    expect(events.closed).toBe(0);
    retry.leave();
    vi.advanceTimersByTime(10_000);
    expect(events.closed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops keeping its replay and takes no joiners past its own bound', () => {
    const memory = { bytes: 0, limitInBytes: 1024 * 1024 };
    const { shared, events } = sharedCall({ maxReplayInBytes: 10, memory });
    shared.subscribe(new FakeResponse().asResponse, 'a', undefined);
    shared.writeHead(200, []);
    shared.write(Buffer.from('12345'));
    expect(shared.joinable).toBe(true);
    expect(memory.bytes).toBe(5);
    shared.write(Buffer.from('123456'));
    expect(shared.joinable).toBe(false);
    expect(events.unjoinable).toBe(1);
    expect(memory.bytes).toBe(0);
  });

  it('holds no more than the shared bound with 1000 distinct calls in flight, and releases it as they end', () => {
    const memory = { bytes: 0, limitInBytes: 64 * 1024 };
    const calls = Array.from({ length: 1000 }, () => {
      const { shared } = sharedCall({ maxReplayInBytes: 8 * 1024 * 1024, memory });
      shared.subscribe(new FakeResponse().asResponse, 'a', undefined);
      shared.writeHead(200, []);
      return shared;
    });
    const chunk = Buffer.alloc(1024);
    for (const call of calls) call.write(chunk);
    expect(memory.bytes).toBeLessThanOrEqual(memory.limitInBytes);
    expect(calls.filter((call) => call.joinable)).toHaveLength(64);
    for (const call of calls) call.end();
    expect(memory.bytes).toBe(0);
  });
});
