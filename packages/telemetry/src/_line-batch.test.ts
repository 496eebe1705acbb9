import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ByteSink, LineBatch } from './_line-batch.js';

/** A sink that keeps a copy of every write: the batch reuses its buffer once `write` returns. */
function recordingSink(): ByteSink & { writes: string[] } {
  const writes: string[] = [];
  return { writes, write: (bytes) => writes.push(Buffer.from(bytes).toString('utf8')) };
}

describe('LineBatch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes lines in order, each with its newline, in one write once the batch is full', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 10, 200);
    batch.add('aaaa');
    expect(sink.writes).toEqual([]);
    batch.add('bbbb');
    expect(sink.writes).toEqual(['aaaa\nbbbb\n']);
    batch.add('c');
    batch.drain();
    batch.drain();
    expect(sink.writes).toEqual(['aaaa\nbbbb\n', 'c\n']);
  });

  it('pushes out a partial batch within its delay', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 1024, 200);
    batch.add('one');
    batch.add('two');
    vi.advanceTimersByTime(199);
    expect(sink.writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sink.writes).toEqual(['one\ntwo\n']);
    vi.advanceTimersByTime(1000);
    expect(sink.writes).toEqual(['one\ntwo\n']);
  });

  it('encodes lines as UTF-8, whatever characters they hold', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 1024, 200);
    const lines = ['{"model":"clàude"}', '{"msg":"日本語 🚀"}', 'plain'];
    for (const line of lines) batch.add(line);
    batch.drain();
    expect(sink.writes).toEqual([`${lines.join('\n')}\n`]);
  });

  it('writes a line larger than its buffer on its own, after what was gathered before it', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 16, 200);
    batch.add('first');
    const huge = 'x'.repeat(200_000);
    batch.add(huge);
    batch.add('last');
    batch.drain();
    expect(sink.writes).toEqual(['first\n', `${huge}\n`, 'last\n']);
  });

  it('writes out what it has before a line that might not fit, keeping every byte', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 40_000, 200);
    const lines = Array.from({ length: 20 }, (_, index) => `${index}:${'é'.repeat(5_000)}`);
    for (const line of lines) batch.add(line);
    batch.drain();
    expect(sink.writes.length).toBeGreaterThan(1);
    expect(sink.writes.join('')).toBe(`${lines.join('\n')}\n`);
  });
});
