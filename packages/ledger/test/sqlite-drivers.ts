import { createRequire } from 'node:module';
import { loadSqliteDriver, type SqliteDriver } from '../src/index.js';

const require = createRequire(import.meta.url);

/** A module load that fails as it does where the module is not installed. */
export function refuse(id: string): never {
  throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
}

/** One SQLite library, loaded on its own, so that a suite can run against each. */
export interface DriverUnderTest {
  readonly name: string;
  readonly load: () => SqliteDriver;
}

const libsql: DriverUnderTest = { name: 'libsql', load: () => loadSqliteDriver() };
const nodeSqlite: DriverUnderTest = {
  name: 'node:sqlite',
  load: () => loadSqliteDriver({ require: (id) => (id === 'libsql' ? refuse(id) : require(id)) }),
};

/**
 * Every SQLite library this Node.js can load: libsql everywhere the package has a binary, `node:sqlite` from
 * Node.js 22.13 (older versions have none, so the suites run against libsql alone there).
 */
export const sqliteDrivers: readonly DriverUnderTest[] =
  process.getBuiltinModule('node:sqlite') === undefined ? [libsql] : [libsql, nodeSqlite];
