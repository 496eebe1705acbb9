import { describe, expect, it } from 'vitest';
import { loadSqliteDriver } from './load-sqlite-driver.js';
import type { SqliteValue } from './sqlite-driver.js';

describe('libsqlDriver', () => {
  it('binds a stray boolean as 1 or 0 instead of letting libsql abort the process', () => {
    const database = loadSqliteDriver().open(':memory:');
    try {
      const statement = database.prepare('SELECT ? AS yes, ? AS no');
      expect(statement.get(true as unknown as SqliteValue, false as unknown as SqliteValue)).toMatchObject({
        yes: 1,
        no: 0,
      });
    } finally {
      database.close();
    }
  });

  it('reports the rows a statement changed', () => {
    const database = loadSqliteDriver().open(':memory:');
    try {
      database.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);');
      expect(Number(database.prepare('DELETE FROM t WHERE x < ?').run(3).changes)).toBe(2);
      expect(database.prepare('SELECT x FROM t').all()).toEqual([expect.objectContaining({ x: 3 })]);
    } finally {
      database.close();
    }
  });
});
