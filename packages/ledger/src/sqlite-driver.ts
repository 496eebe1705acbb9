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
 * The few calls the ledger needs from a SQLite library. libsql and `node:sqlite` both fit it almost as they are
 * (see `load-sqlite-driver.ts`); the ledger writes one file format whichever opened it.
 */
export interface SqliteDriver {
  /** Which library, for messages: `libsql` or `node:sqlite`. */
  readonly name: string;
  /** Opens or creates the file (its directory must exist), or `':memory:'`. */
  open(path: string): SqliteDatabase;
}
