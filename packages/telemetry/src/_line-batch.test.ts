import { describe, expect, it } from 'vitest';
import { type BatchSink, countLines, LineBatch } from './_line-batch.js';

/** A sink that keeps a copy of every write: the batch reuses its buffer once `write` returns. */
function recordingSink(): BatchSink & { writes: string[] } {
  const writes: string[] = [];
  return { writes, write: (bytes) => writes.push(Buffer.from(bytes).toString('utf8')) };
}

describe('LineBatch', () => {
  it('writes lines in order, each with its newline, in one write once the batch is full', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 10, 64);
    batch.add('aaaa');
    expect(sink.writes).toEqual([]);
    batch.add('bbbb');
    expect(sink.writes).toEqual(['aaaa\nbbbb\n']);
    batch.add('c');
    batch.drain();
    batch.drain();
    expect(sink.writes).toEqual(['aaaa\nbbbb\n', 'c\n']);
  });

  it('encodes lines as UTF-8, whatever characters they hold', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 1024, 4096);
    const lines = ['{"model":"clàude"}', '{"msg":"日本語 🚀"}', 'plain'];
    for (const line of lines) batch.add(line);
    batch.drain();
    expect(sink.writes).toEqual([`${lines.join('\n')}\n`]);
  });

  it('writes a line larger than its buffer on its own, after what was gathered before it', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 16, 1024);
    batch.add('first');
    const huge = 'x'.repeat(200_000);
    batch.add(huge);
    batch.add('last');
    batch.drain();
    expect(sink.writes).toEqual(['first\n', `${huge}\n`, 'last\n']);
  });

  it('writes out what it has before a line that might not fit, keeping every byte', () => {
    const sink = recordingSink();
    const batch = new LineBatch(sink, 40_000, 64 * 1024);
    const lines = Array.from({ length: 20 }, (_, index) => `${index}:${'é'.repeat(5_000)}`);
    for (const line of lines) batch.add(line);
    batch.drain();
    expect(sink.writes.length).toBeGreaterThan(1);
    expect(sink.writes.join('')).toBe(`${lines.join('\n')}\n`);
  });

  it('never writes more than its capacity at once but a single larger line, and only whole lines', () => {
    const writes: number[] = [];
    const batch = new LineBatch({ write: (bytes) => writes.push(bytes.length) }, 48 * 1024, 64 * 1024);
    // Lines of every length up to 20 000 characters (up to 60 000 bytes): the one that fills a batch can be long.
    let text = 0;
    for (let index = 0; index < 400; index++) {
      const line = 'x'.repeat((index * 7_919) % 20_000);
      text += line.length + 1;
      batch.add(line);
    }
    batch.drain();
    expect(writes.reduce((sum, length) => sum + length, 0)).toBe(text);
    expect(Math.max(...writes)).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('countLines', () => {
  it('counts the newlines in bytes, a cut last line not included', () => {
    expect(countLines(Buffer.from(''))).toBe(0);
    expect(countLines(Buffer.from('{"a":1}\n{"b":2}\n{"c"'))).toBe(2);
    expect(countLines(Buffer.from('\n\n\n'))).toBe(3);
  });
});
