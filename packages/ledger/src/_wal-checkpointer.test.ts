import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteDrivers } from '../test/sqlite-drivers.js';
import { createWalCheckpointer, type WalCheckpointerOptions } from './_wal-checkpointer.js';
import type { LedgerError } from './ledger-error.js';
import type { SqliteDatabase } from './sqlite-driver.js';

describe.each(sqliteDrivers)('createWalCheckpointer on $name', (driver) => {
  let directory: string;
  let database: SqliteDatabase;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ccb-checkpointer-'));
    database = driver.load().open(join(directory, 'ledger.db'));
    database.exec('PRAGMA journal_mode = WAL; CREATE TABLE rows (value TEXT)');
  });

  afterEach(() => {
    database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  function autocheckpointPages(): number {
    return Number(database.prepare('PRAGMA wal_autocheckpoint').get()?.wal_autocheckpoint);
  }

  function start(overrides: Partial<WalCheckpointerOptions> = {}) {
    const errors: LedgerError[] = [];
    let reported: (() => void) | undefined;
    const failed = new Promise<void>((resolve) => (reported = resolve));
    const module = driver.load().module;
    if (module === undefined) throw new Error(`${driver.name} does not name its module`);
    const checkpointer = createWalCheckpointer({
      path: join(directory, 'ledger.db'),
      module,
      database,
      intervalInMs: 3_600_000,
      rowsPerCheckpoint: 10,
      onError: (error) => {
        errors.push(error);
        reported?.();
      },
      ...overrides,
    });
    return { checkpointer, errors, failed };
  }

  it('runs a checkpoint on its thread once enough rows are written', async () => {
    const done = new Promise<number>((resolve) => {
      const { checkpointer } = start({
        onCheckpoint: (checkpoint) => {
          checkpointer.stop();
          resolve(checkpoint.walFrames - checkpoint.checkpointedFrames);
        },
      });
      database.exec("INSERT INTO rows VALUES ('a')");
      checkpointer.written(10);
    });
    expect(await done).toBe(0);
  });

  it('ends the worker when stopped, without falling back', async () => {
    const { checkpointer, errors } = start();
    expect(autocheckpointPages()).toBe(0);
    checkpointer.stop();
    await checkpointer.exited;
    expect(checkpointer.fellBack()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('falls back to automatic checkpoints when the worker dies', async () => {
    const { checkpointer, errors, failed } = start();
    await checkpointer.worker.terminate();
    await failed;
    expect(errors[0]?.code).toBe('CCB_LEDGER_CHECKPOINT_FAILED');
    expect(checkpointer.fellBack()).toBe(true);
    expect(autocheckpointPages()).toBe(1000);
    checkpointer.stop();
  });

  it('starts no thread before the first checkpoint', async () => {
    // A thread started here could not load this library: it would fail, and `stop` would find it ended (code 1).
    const { checkpointer, errors } = start({
      module: { kind: 'libsql', id: join(directory, 'no-such-module.js') },
    });
    database.exec("INSERT INTO rows VALUES ('a')");
    checkpointer.written(9);
    checkpointer.stop();
    expect(await checkpointer.exited).toBe(0);
    expect(errors).toEqual([]);
  });

  it('falls back to automatic checkpoints when the worker cannot load the library, at its first checkpoint', async () => {
    const { checkpointer, errors, failed } = start({
      module: { kind: 'libsql', id: join(directory, 'no-such-module.js') },
    });
    expect(autocheckpointPages()).toBe(0);
    checkpointer.written(10);
    await failed;
    expect(errors[0]?.message).toMatch(/failed: .*no-such-module/);
    expect(autocheckpointPages()).toBe(1000);
    checkpointer.stop();
  });
});
