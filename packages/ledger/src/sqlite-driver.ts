/** A value SQLite can bind: booleans are not among them (bind `1`/`0`), nor is `undefined` (bind `null`). */
export type SqliteValue = string | number | bigint | null;

/** A prepared statement; parameters are positional (`?`). */
export interface SqliteStatement {
  /** Runs the statement; `changes` is the number of rows it inserted, updated or deleted. */
  run(...params: SqliteValue[]): { readonly changes: number | bigint };
  /** The first row, or `undefined` when there is none. */
  get(...params: SqliteValue[]): Record<string, unknown> | undefined;
  all(...params: SqliteValue[]): Record<string, unknown>[];
}

/** An open SQLite connection, synchronous like the ledger. */
export interface SqliteDatabase {
  /** Runs one or more `;`-separated statements without parameters. */
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/**
 * How a worker thread loads the same SQLite library by name: the module to `require` (an absolute path, or a
 * built-in such as `node:sqlite`) and which of the two APIs it has. A function cannot cross to a thread; a name can.
 */
export interface SqliteDriverModule {
  readonly kind: 'libsql' | 'node:sqlite';
  readonly id: string;
}

/**
 * The few calls the ledger needs from a SQLite library. libsql and `node:sqlite` both fit it almost as they are
 * (see `load-sqlite-driver.ts`); the ledger writes one file format whichever opened it.
 */
export interface SqliteDriver {
  /** Which library, for messages: `libsql` or `node:sqlite`. */
  readonly name: string;
  /** Opens or creates the file (its directory must exist), or `':memory:'`. */
  open(path: string): SqliteDatabase;
  /**
   * The library by name, so that a worker thread can open the file too and checkpoint its WAL off the event loop.
   * Without it, SQLite checkpoints inside the ledger's commits (11–15 ms every ~12 600 rows).
   */
  readonly module?: SqliteDriverModule;
}
