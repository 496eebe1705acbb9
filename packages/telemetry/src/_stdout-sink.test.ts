import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStdoutSink } from './_stdout-sink.js';
import { LogLossCounter } from './log-loss.js';

let directory: string | undefined;

// Each test closes its sink, which closes the descriptor it was given (sonic-boom closes any but 1 and 2).
afterEach(() => {
  vi.useRealTimers();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

/**
 * A FIFO opened read-write and non-blocking, as libuv leaves a stdout pipe: the open needs no other reader, a full
 * pipe answers EAGAIN, and the test reads it back through the same descriptor. Nobody reads until the test does.
 */
function unreadPipe(): number {
  return openSync(fifo(), constants.O_RDWR | constants.O_NONBLOCK);
}

function fifo(): string {
  directory = mkdtempSync(join(tmpdir(), 'ccb-stdout-sink-'));
  const path = join(directory, 'pipe');
  execFileSync('mkfifo', [path]);
  return path;
}

/** Everything the pipe holds now. */
function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(64 * 1024);
  for (;;) {
    try {
      const length = readSync(fd, chunk, 0, chunk.length, null);
      if (length === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, length)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw error;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sinkOn(fd: number, options: { maxBacklogInBytes?: number; flushTimeoutInMs?: number } = {}) {
  const reports: string[] = [];
  const loss = new LogLossCounter((message) => reports.push(message));
  const sink = createStdoutSink({
    fd,
    loss,
    maxBacklogInBytes: options.maxBacklogInBytes ?? 1024 * 1024,
    flushTimeoutInMs: options.flushTimeoutInMs ?? 100,
  });
  const lost = (reason: 'full' | 'error' | 'closed') =>
    loss.snapshot().find((entry) => entry.reason === reason);
  return { sink, reports, lost };
}

/** A request-like line of fixed length, so byte counts follow from line counts. */
const line = (index: number) =>
  JSON.stringify({ request_id: `ccb_${String(index).padStart(6, '0')}`, pad: 'x'.repeat(200) });

/** Fills the pipe until it refuses more, as a reader that stopped reading leaves it. */
function fillUp(fd: number): void {
  const chunk = Buffer.alloc(4096, 0x20);
  for (let written = 0; written < 64 * 1024 * 1024; written += chunk.length) {
    try {
      writeSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return;
      throw error;
    }
  }
  throw new Error('the pipe never filled up');
}

describe('createStdoutSink', () => {
  it('writes gathered lines, then a text line at once after them, in order', async () => {
    const fd = unreadPipe();
    const { sink, reports } = sinkOn(fd);
    sink.line(line(1));
    sink.line(line(2));
    expect(readAll(fd)).toBe('');
    sink.text('{"msg":"in between"}\n');
    sink.line(line(3));
    await sink.flush();
    expect(readAll(fd)).toBe(`${line(1)}\n${line(2)}\n{"msg":"in between"}\n${line(3)}\n`);
    await sink.close();
    expect(reports).toEqual([]);
  });

  it('never waits on a full pipe: it keeps up to its cap and drops and counts the rest, whole lines only', async () => {
    const fd = unreadPipe();
    const { sink, reports, lost } = sinkOn(fd, { maxBacklogInBytes: 256 * 1024 });
    const total = 20_000;
    const startedAt = performance.now();
    for (let index = 0; index < total; index += 1) sink.line(line(index));
    // The old writer slept up to 10 s per batch on a full pipe; this one never sleeps while lines come.
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(lost('full')?.lines).toBeGreaterThan(0);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('CCB_TELEMETRY_WRITE_FAILED');

    // The reader catches up: what was kept goes out, every line whole, none twice, and none unaccounted for.
    let text = readAll(fd);
    for (let round = 0; round < 100; round += 1) {
      await sink.flush();
      const more = readAll(fd);
      if (more === '') break;
      text += more;
    }
    const written = text.split('\n').filter((entry) => entry !== '');
    const ids = written.map((entry) => (JSON.parse(entry) as { request_id: string }).request_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length + (lost('full')?.lines ?? 0)).toBe(total);
    expect(lost('full')?.bytes).toBe((total - ids.length) * (line(0).length + 1));
    await sink.close();
  });

  it('resolves flush within its timeout while the pipe stays full, and counts what is left on close', async () => {
    const fd = unreadPipe();
    const { sink, reports, lost } = sinkOn(fd, { flushTimeoutInMs: 50 });
    fillUp(fd);
    for (let index = 0; index < 5; index += 1) sink.line(line(index));
    await sink.flush();
    expect(lost('full')?.lines).toBe(0);
    await sink.close();
    expect(lost('full')).toEqual({ reason: 'full', lines: 5, bytes: 5 * (line(0).length + 1) });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('still full when logging stopped');
  });

  it('counts every line once stdout fails for good, and says so once', async () => {
    const path = fifo();
    const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    // The reader goes away: every write now fails with EPIPE (Node ignores SIGPIPE).
    closeSync(reader);
    const { sink, reports, lost } = sinkOn(fd);
    sink.line(line(1));
    sink.line(line(2));
    await sink.flush();
    sink.text('{"msg":"later"}\n');
    await sink.flush();
    expect(lost('error')).toEqual({ reason: 'error', lines: 3, bytes: 2 * (line(1).length + 1) + 16 });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('(EPIPE)');
    await sink.close();
  });

  it('clears its batch timer on close', async () => {
    vi.useFakeTimers();
    const fd = unreadPipe();
    const before = vi.getTimerCount();
    const { sink } = sinkOn(fd);
    expect(vi.getTimerCount()).toBe(before + 1);
    sink.line(line(1));
    vi.advanceTimersByTime(200);
    expect(readAll(fd)).toBe(`${line(1)}\n`);
    await sink.close();
    expect(vi.getTimerCount()).toBe(before);
  });

  it('counts a line logged after close at once, as closed, without waiting for a flush', async () => {
    const fd = unreadPipe();
    const { sink, reports, lost } = sinkOn(fd);
    sink.line(line(1));
    await sink.close();
    sink.line(line(2));
    sink.text('{"msg":"late"}\n');
    expect(lost('closed')).toEqual({ reason: 'closed', lines: 2, bytes: line(2).length + 1 + 15 });
    expect(lost('full')?.lines).toBe(0);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('after the logger was closed');
  });
});
