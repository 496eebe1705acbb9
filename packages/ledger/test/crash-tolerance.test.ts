import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLedger } from '../src/index.js';

const packageDirectory = dirname(dirname(fileURLToPath(import.meta.url)));
let directory: string;
let childScript: string;

/**
 * The child runs the current source, bundled to CommonJS so that NODE_PATH can point its `libsql` require at this
 * package's dependencies from a temporary directory (ES modules ignore NODE_PATH). It records and flushes on command and acknowledges
 * each command, so the test knows exactly which rows were committed when it kills the child.
 */
const childSource = `
const { createLedger } = require(process.env.LEDGER_BUNDLE);
const ledger = createLedger({ path: process.env.LEDGER_PATH, batchIntervalInMs: 3_600_000 });
let sequence = 0;
process.on('message', (command) => {
  if (command.type === 'record') {
    for (let index = 0; index < command.count; index++) {
      sequence += 1;
      ledger.record({
        time: Date.now(), requestId: 'req_' + sequence, clientKeyId: 'key-a', sessionId: null, provider: 'anthropic',
        modelRequested: 'claude-sonnet-4-6', modelSent: 'claude-sonnet-4-6', status: 200, attempts: 1,
        inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, costUsd: 0.001,
        durationInMs: 100, timeToFirstByteInMs: 20, stream: sequence % 2 === 0,
      });
    }
  } else if (command.type === 'flush') {
    ledger.flush();
  }
  process.send({ done: command.type });
});
process.send({ done: 'start' });
`;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'ccb-ledger-crash-'));
  await build({
    config: false,
    entry: { ledger: join(packageDirectory, 'src/index.ts') },
    outDir: directory,
    format: ['cjs'],
    target: 'node20',
    external: ['libsql'],
    noExternal: ['@ccb/protocol'],
    // The driver is loaded with createRequire(import.meta.url), which CommonJS output needs a shim for.
    shims: true,
    dts: false,
    sourcemap: false,
    clean: false,
    silent: true,
  });
  childScript = join(directory, 'child.cjs');
  writeFileSync(childScript, childSource);
}, 60_000);

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function command(child: ChildProcess, message: { type: string; count?: number }): Promise<void> {
  const acknowledged = once(child, 'message');
  child.send(message);
  await acknowledged;
}

it('keeps every row of the flushed batches when the process is killed with SIGKILL', async () => {
  const path = join(directory, 'ledger.db');
  const child = fork(childScript, {
    env: {
      ...process.env,
      LEDGER_BUNDLE: join(directory, 'ledger.cjs'),
      LEDGER_PATH: path,
      NODE_PATH: join(packageDirectory, 'node_modules'),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  await once(child, 'message');
  await command(child, { type: 'record', count: 5 });
  await command(child, { type: 'flush' });
  await command(child, { type: 'record', count: 4 });
  await command(child, { type: 'flush' });
  await command(child, { type: 'record', count: 3 });
  child.kill('SIGKILL');
  const [, signal] = await exited;
  expect(signal).toBe('SIGKILL');

  const reopened = createLedger({ path });
  try {
    const [row] = reopened.query({ sinceInMs: 0, by: 'provider' });
    // 5 + 4 flushed; the 3 rows of the unfinished interval died with the process.
    expect(row).toMatchObject({ key: 'anthropic', requests: 9, inputTokens: 90, outputTokens: 45 });
  } finally {
    reopened.close();
  }
});
