import type { SqliteDriver } from './sqlite-driver.js';

/** The part of `node:sqlite` (Node.js ≥ 22.13 without a flag) the adapter calls. */
interface NodeSqliteModule {
  readonly DatabaseSync: new (
    path: string,
  ) => {
    exec(sql: string): void;
    prepare(sql: string): {
      run(...params: unknown[]): { changes: number | bigint };
      get(...params: unknown[]): Record<string, unknown> | undefined;
      all(...params: unknown[]): Record<string, unknown>[];
    };
    close(): void;
  };
}

/** Adapts the built-in `node:sqlite` module to a {@link SqliteDriver}; its API already has the driver's shape. */
export function nodeSqliteDriver(module: NodeSqliteModule): SqliteDriver {
  return {
    name: 'node:sqlite',
    open: (path) => new module.DatabaseSync(path),
    // Built in: a worker thread loads it by this name, whoever loaded it here.
    module: { kind: 'node:sqlite', id: 'node:sqlite' },
  };
}
