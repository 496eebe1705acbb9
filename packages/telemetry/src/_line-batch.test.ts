import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LineBatch } from './_line-batch.js';

describe('LineBatch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes lines in order, each with its newline, in one write once the batch is full', () => {
    const writes: string[] = [];
    const batch = new LineBatch({ write: (text) => writes.push(text) }, 10, 200);
    batch.add('aaaa');
    expect(writes).toEqual([]);
    batch.add('bbbb');
    expect(writes).toEqual(['aaaa\nbbbb\n']);
    batch.add('c');
    batch.drain();
    batch.drain();
    expect(writes).toEqual(['aaaa\nbbbb\n', 'c\n']);
  });

  it('pushes out a partial batch within its delay', () => {
    const writes: string[] = [];
    const batch = new LineBatch({ write: (text) => writes.push(text) }, 1024, 200);
    batch.add('one');
    batch.add('two');
    vi.advanceTimersByTime(199);
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(['one\ntwo\n']);
    vi.advanceTimersByTime(1000);
    expect(writes).toEqual(['one\ntwo\n']);
  });
});
