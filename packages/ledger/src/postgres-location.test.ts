import { describe, expect, it } from 'vitest';
import { postgresLocation } from './postgres-location.js';

describe('postgresLocation', () => {
  it('gives host, port and database, never the user or password', () => {
    expect(postgresLocation('postgres://ccb:s3cret@db.internal:6432/ledger?sslmode=require')).toBe(
      'db.internal:6432/ledger',
    );
    expect(postgresLocation('postgresql://ccb:s3cret@db.internal/ledger')).toBe('db.internal:5432/ledger');
    expect(postgresLocation('postgres://db.internal')).toBe('db.internal:5432/(default database)');
  });

  it('says only "postgres" for a URL it cannot parse, which may still hold a password', () => {
    expect(postgresLocation('postgres://ccb:s3cr#et@')).toBe('postgres');
  });
});
