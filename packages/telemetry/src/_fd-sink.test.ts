import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFdSink } from './_fd-sink.js';

describe('createFdSink', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('writes every byte of each batch to the descriptor, in order', () => {
    directory = mkdtempSync(join(tmpdir(), 'ccb-fd-sink-'));
    const path = join(directory, 'out.log');
    const fd = openSync(path, 'w');
    const failures: unknown[] = [];
    const sink = createFdSink(fd, (error) => failures.push(error));
    const first = Buffer.from('{"a":1}\n');
    const second = Buffer.from(`${'ü'.repeat(100_000)}\n`);
    sink.write(first);
    sink.write(second.subarray(0, 1000));
    sink.write(second.subarray(1000));
    closeSync(fd);
    expect(failures).toEqual([]);
    expect(readFileSync(path).equals(Buffer.concat([first, second]))).toBe(true);
  });

  it('gives a batch up and reports it, with the bytes lost, when the descriptor refuses it', () => {
    directory = mkdtempSync(join(tmpdir(), 'ccb-fd-sink-'));
    const fd = openSync(join(directory, 'closed.log'), 'w');
    closeSync(fd);
    const failures: { code: string | undefined; lostBytes: number }[] = [];
    const sink = createFdSink(fd, (error, lostBytes) => failures.push({ code: error.code, lostBytes }));
    sink.write(Buffer.from('lost line\n'));
    expect(failures).toEqual([{ code: 'EBADF', lostBytes: 10 }]);
  });
});

describe('createFdSink on a full pipe', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('gives up a batch the reader does not take in time, then starts the next batch on a fresh line', () => {
    directory = mkdtempSync(join(tmpdir(), 'ccb-fd-sink-'));
    const path = join(directory, 'pipe');
    execFileSync('mkfifo', [path]);
    // Read-write and non-blocking: the open does not wait for a reader, and a full pipe answers EAGAIN.
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      const failures: { code: string | undefined; lostBytes: number }[] = [];
      const sink = createFdSink(fd, (error, lostBytes) => failures.push({ code: error.code, lostBytes }), 50);
      const batch = Buffer.alloc(1024 * 1024, 'a');
      sink.write(batch);
      expect(failures).toHaveLength(1);
      expect(failures[0]?.code).toBe('EAGAIN');
      const lost = failures[0]?.lostBytes ?? 0;
      expect(lost).toBeGreaterThan(0);
      // Still full: the next batch is given up at once, whole.
      sink.write(Buffer.from('while stuck\n'));
      expect(failures[1]).toEqual({ code: 'EAGAIN', lostBytes: 12 });
      // The reader catches up; the cut line is ended before the next one starts.
      const written = batch.length - lost;
      const drained = Buffer.alloc(written);
      let read = 0;
      while (read < written) read += readSync(fd, drained, read, written - read, null);
      sink.write(Buffer.from('next line\n'));
      const after = Buffer.alloc(64);
      const length = readSync(fd, after, 0, after.length, null);
      expect(after.toString('utf8', 0, length)).toBe('\nnext line\n');
      expect(failures).toHaveLength(2);
    } finally {
      closeSync(fd);
    }
  });
});
