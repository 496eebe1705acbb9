import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { refuse } from '../test/sqlite-drivers.js';
import { LedgerError } from './ledger-error.js';
import { loadSqliteDriver } from './load-sqlite-driver.js';

const require = createRequire(import.meta.url);

/** Stands in for `node:sqlite` where Node.js has none (20), to test the choice, not the library. */
const fakeNodeSqlite = {
  DatabaseSync: class {
    readonly path: string;
    constructor(path: string) {
      this.path = path;
    }
  },
};

describe('loadSqliteDriver', () => {
  it('loads libsql, whose binary pnpm installed for this platform', () => {
    const driver = loadSqliteDriver();
    expect(driver.name).toBe('libsql');
    const database = driver.open(':memory:');
    expect(database.prepare('SELECT 1 + ? AS sum').get(2)).toMatchObject({ sum: 3 });
    database.close();
  });

  it('falls back to node:sqlite when libsql cannot be loaded', () => {
    const asked: string[] = [];
    const driver = loadSqliteDriver({
      require: (id) => {
        asked.push(id);
        return id === 'libsql' ? refuse('@libsql/linux-x64-gnu') : fakeNodeSqlite;
      },
    });
    expect(asked).toEqual(['libsql', 'node:sqlite']);
    expect(driver.name).toBe('node:sqlite');
    expect(driver.open('/tmp/x.db')).toBeInstanceOf(fakeNodeSqlite.DatabaseSync);
  });

  it("keeps node:sqlite's experimental warning off stderr while it loads, and lets other warnings through", async () => {
    const seen: string[] = [];
    const onWarning = (warning: Error) => seen.push(warning.message);
    process.on('warning', onWarning);
    try {
      loadSqliteDriver({
        require: (id) => {
          if (id === 'libsql') return refuse('@libsql/linux-x64-gnu');
          // What Node.js 22 does when node:sqlite is first loaded, then another warning from the same load.
          process.emitWarning(
            'SQLite is an experimental feature and might change at any time',
            'ExperimentalWarning',
          );
          process.emitWarning('something else', 'Warning');
          return fakeNodeSqlite;
        },
      });
      process.emitWarning(
        'SQLite is an experimental feature and might change at any time',
        'ExperimentalWarning',
      );
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(seen).toEqual([
      'something else',
      'SQLite is an experimental feature and might change at any time',
    ]);
  });

  it('never loads node:sqlite when libsql loads', () => {
    const asked: string[] = [];
    loadSqliteDriver({
      require: (id) => {
        asked.push(id);
        return require(id);
      },
    });
    expect(asked).toEqual(['libsql']);
  });

  it('says in one line why neither library loads and how to fix it, with CCB_LEDGER_DRIVER_UNAVAILABLE', () => {
    const missingBinary = new Error(
      "Cannot find module '@libsql/linux-x64-gnu'\nRequire stack:\n- /app/node_modules/libsql/index.js",
    );
    let thrown: unknown;
    try {
      loadSqliteDriver({
        require: (id) => {
          if (id === 'libsql') throw missingBinary;
          throw new Error(`No such built-in module: ${id}`);
        },
      });
    } catch (error) {
      thrown = error;
    }
    expect(LedgerError.is(thrown, 'CCB_LEDGER_DRIVER_UNAVAILABLE')).toBe(true);
    const message = (thrown as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain("libsql: Cannot find module '@libsql/linux-x64-gnu'");
    expect(message).toContain('node:sqlite: No such built-in module: node:sqlite');
    expect(message).toMatch(/optional dependencies .* Node\.js 22\.13 or later/);
    expect(((thrown as Error).cause as AggregateError).errors).toEqual([missingBinary, expect.any(Error)]);
  });
});
