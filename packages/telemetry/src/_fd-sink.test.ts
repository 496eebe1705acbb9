import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
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
