import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeEventStream } from './write-event-stream.js';

class FakeResponse extends EventEmitter {
  readonly written: string[] = [];
  ended = false;
  endedWith: string | undefined;
  acceptWrites = true;
  headersFlushed = false;
  socketEnded = false;
  readonly socket = {
    end: (callback: () => void) => {
      this.socketEnded = true;
      callback();
    },
    destroy: () => undefined,
  };

  write(chunk: string): boolean {
    if (this.ended) throw new Error('write after end');
    this.written.push(chunk);
    return this.acceptWrites;
  }

  end(chunk?: string): void {
    this.ended = true;
    this.endedWith = chunk;
  }

  flushHeaders(): void {
    this.headersFlushed = true;
  }
}

function start(response: FakeResponse, options: Partial<Parameters<typeof writeEventStream>[1]> = {}) {
  const onServerClose = vi.fn();
  writeEventStream(response as unknown as ServerResponse, {
    frames: ['a', 'b', 'c', 'd'],
    intervalInMs: 0,
    cut: undefined,
    onServerClose,
    ...options,
  });
  return onServerClose;
}

describe('writeEventStream', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes every frame and ends at once when there is no interval', () => {
    const response = new FakeResponse();
    start(response);
    expect(response.written).toEqual(['a', 'b', 'c', 'd']);
    expect(response.ended).toBe(true);
  });

  it('waits for drain when the socket is full', () => {
    const response = new FakeResponse();
    response.acceptWrites = false;
    start(response);
    expect(response.written).toEqual(['a']);
    response.acceptWrites = true;
    response.emit('drain');
    expect(response.written).toEqual(['a', 'b', 'c', 'd']);
    expect(response.ended).toBe(true);
  });

  it('spaces frames with one timer per gap and ends right after the last frame', () => {
    const response = new FakeResponse();
    start(response, { intervalInMs: 100 });
    expect(response.written).toEqual(['a']);
    vi.advanceTimersByTime(99);
    expect(response.written).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(response.written).toEqual(['a', 'b']);
    vi.advanceTimersByTime(200);
    expect(response.written).toEqual(['a', 'b', 'c', 'd']);
    expect(response.ended).toBe(true);
  });

  it('writes nothing more and leaves no timer once the client closes', () => {
    const response = new FakeResponse();
    start(response, { intervalInMs: 100 });
    response.emit('close');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(response.written).toEqual(['a']);
    expect(response.ended).toBe(false);
  });

  it('stops waiting for drain once the client closes', () => {
    const response = new FakeResponse();
    response.acceptWrites = false;
    start(response);
    response.emit('close');
    response.emit('drain');
    expect(response.written).toEqual(['a']);
  });

  it('ends with the error frame after K frames for an error cut', () => {
    const response = new FakeResponse();
    start(response, { cut: { kind: 'error', afterEvents: 2, frame: 'E' } });
    expect(response.written).toEqual(['a', 'b']);
    expect(response.endedWith).toBe('E');
  });

  it('keeps the gap before an error frame but not before a normal end', () => {
    const response = new FakeResponse();
    start(response, { intervalInMs: 10, cut: { kind: 'error', afterEvents: 1, frame: 'E' } });
    expect(response.ended).toBe(false);
    vi.advanceTimersByTime(10);
    expect(response.endedWith).toBe('E');
    const complete = new FakeResponse();
    start(complete, { intervalInMs: 10, frames: ['a'] });
    expect(complete.ended).toBe(true);
  });

  it('ends the socket after K frames for a drop cut, marking the close as the server’s', () => {
    const response = new FakeResponse();
    const onServerClose = start(response, { cut: { kind: 'drop', afterEvents: 3 } });
    expect(response.written).toEqual(['a', 'b', 'c']);
    expect(onServerClose).toHaveBeenCalledOnce();
    expect(response.socketEnded).toBe(true);
    expect(response.ended).toBe(false);
  });

  it('flushes the headers and stays open for a stall cut at zero events', () => {
    const response = new FakeResponse();
    start(response, { cut: { kind: 'stall', afterEvents: 0 } });
    expect(response.written).toEqual([]);
    expect(response.headersFlushed).toBe(true);
    expect(response.ended).toBe(false);
    expect(response.socketEnded).toBe(false);
  });

  it('completes normally when the cut lies past the end of the stream', () => {
    const response = new FakeResponse();
    const onServerClose = start(response, { cut: { kind: 'drop', afterEvents: 10 } });
    expect(response.written).toEqual(['a', 'b', 'c', 'd']);
    expect(response.ended).toBe(true);
    expect(onServerClose).not.toHaveBeenCalled();
  });
});
