import { copyFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SqliteDatabase, SqliteDriver, WalCheckpoint } from '../src/index.js';
import { useLedgerFixture } from './_ledger-fixture.js';
import { ledgerRow } from './ledger-rows.js';
import { sqliteDrivers } from './sqlite-drivers.js';

/** Checkpoints as they arrive, to await one at a time (bounded: a missing one fails the test by its timeout). */
function checkpointQueue() {
  const arrived: WalCheckpoint[] = [];
  let wake: (() => void) | undefined;
  return {
    onWalCheckpoint(checkpoint: WalCheckpoint) {
      arrived.push(checkpoint);
      wake?.();
    },
    async next(): Promise<WalCheckpoint> {
      while (arrived.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return arrived.shift() as WalCheckpoint;
    },
  };
}

describe.each(sqliteDrivers)('WAL checkpoints on $name', (driver) => {
  const fixture = useLedgerFixture(driver);

  it('keeps the WAL file bounded while many rows are written', async () => {
    const checkpoints = checkpointQueue();
    const ledger = fixture.open({
      batchIntervalInMs: 3_600_000,
      walCheckpointRows: 1000,
      onWalCheckpoint: checkpoints.onWalCheckpoint,
    });
    const wal = join(fixture.directory, 'ledger.db-wal');
    let largestWalInBytes = 0;
    for (let round = 0; round < 40; round++) {
      for (let index = 0; index < 1000; index++)
        ledger.record(ledgerRow({ requestId: `req_${round}_${index}` }));
      ledger.flush();
      const checkpoint = await checkpoints.next();
      expect(checkpoint.checkpointedFrames).toBe(checkpoint.walFrames);
      largestWalInBytes = Math.max(largestWalInBytes, statSync(wal).size);
    }
    // 40 000 rows are ~3 MB of WAL without checkpoints; 1 000 rows between them stay under ~0.3 MB.
    expect(largestWalInBytes).toBeLessThan(512 * 1024);
    expect(ledger.query({ sinceInMs: 0, by: 'provider' })[0]?.requests).toBe(40_000);
  }, 60_000);

  it('leaves a checkpointed file when it closes: the file alone holds every row', () => {
    const ledger = fixture.open({ walCheckpointIntervalInMs: 3_600_000 });
    for (let index = 0; index < 500; index++) ledger.record(ledgerRow({ requestId: `req_${index}` }));
    ledger.close();
    const path = join(fixture.directory, 'ledger.db');
    expect(existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0).toBe(0);
    const copy = join(fixture.directory, 'copy.db');
    copyFileSync(path, copy);
    const count = fixture.reader(copy).prepare('SELECT count(*) AS rows FROM requests').get();
    expect(Number(count?.rows)).toBe(500);
  });

  it('leaves checkpoints to SQLite when the driver does not name its library', () => {
    const opened: SqliteDatabase[] = [];
    const named = driver.load();
    const unnamed: SqliteDriver = {
      name: named.name,
      open(path) {
        const database = named.open(path);
        opened.push(database);
        return database;
      },
    };
    const checkpoints: WalCheckpoint[] = [];
    fixture.open({ loadDriver: () => unnamed, onWalCheckpoint: (each) => checkpoints.push(each) });
    expect(Number(opened[0]?.prepare('PRAGMA wal_autocheckpoint').get()?.wal_autocheckpoint)).toBe(1000);
  });

  it('turns automatic checkpoints off on the ledger connection when a worker runs them', () => {
    const opened: SqliteDatabase[] = [];
    const named = driver.load();
    fixture.open({
      loadDriver: () => ({
        ...named,
        open(path) {
          const database = named.open(path);
          opened.push(database);
          return database;
        },
      }),
    });
    expect(Number(opened[0]?.prepare('PRAGMA wal_autocheckpoint').get()?.wal_autocheckpoint)).toBe(0);
  });
});
