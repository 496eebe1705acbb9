import type {
  SqliteDatabase,
  SqliteDriver,
  SqliteDriverModule,
  SqliteStatement,
  SqliteValue,
} from './sqlite-driver.js';

/** The part of libsql's better-sqlite3-like API the adapter calls. */
interface LibsqlStatement {
  run(params: readonly unknown[]): { changes: number };
  get(params: readonly unknown[]): Record<string, unknown> | undefined;
  all(params: readonly unknown[]): Record<string, unknown>[];
}
interface LibsqlDatabase {
  exec(sql: string): void;
  prepare(sql: string): LibsqlStatement;
  close(): void;
}
type LibsqlConstructor = new (path: string) => LibsqlDatabase;

/**
 * libsql 0.5 aborts the whole process (a Rust panic, "not yet implemented: bool") when a boolean is bound, so a
 * stray boolean from an untyped caller is turned into 1/0 here rather than trusted to the type.
 */
function bindable(params: SqliteValue[]): SqliteValue[] {
  for (let index = 0; index < params.length; index++) {
    const value = params[index] as unknown;
    if (typeof value === 'boolean') params[index] = value ? 1 : 0;
  }
  return params;
}

function adaptStatement(statement: LibsqlStatement): SqliteStatement {
  // One array argument: libsql binds it positionally as it is. Spread arguments would be copied by its `flat()`,
  // which cost ~2 µs of the ~8 µs a ledger row took to insert.
  return {
    run: (...params) => statement.run(bindable(params)),
    get: (...params) => statement.get(bindable(params)),
    all: (...params) => statement.all(bindable(params)),
  };
}

/**
 * Adapts the `libsql` package's default export (its `Database` class) to a {@link SqliteDriver}; `moduleId` is where
 * it was loaded from, for the WAL checkpoint worker.
 */
export function libsqlDriver(Database: LibsqlConstructor, moduleId?: string): SqliteDriver {
  const module: SqliteDriverModule | undefined =
    moduleId === undefined ? undefined : { kind: 'libsql', id: moduleId };
  return {
    name: 'libsql',
    ...(module === undefined ? {} : { module }),
    open(path): SqliteDatabase {
      const database = new Database(path);
      return {
        exec: (sql) => database.exec(sql),
        prepare: (sql) => adaptStatement(database.prepare(sql)),
        close: () => database.close(),
      };
    },
  };
}
