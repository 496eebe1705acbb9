import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, postgresBinDir, postgresSkipReason, startPostgres } from '../src/index.js';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const noPostgres = postgresBinDir() === undefined;
if (noPostgres)
  console.warn('skipping startPostgres tests: PostgreSQL is not installed (/usr/lib/postgresql/*/bin)');

describe.skipIf(noPostgres)('startPostgres', () => {
  it('starts a cluster on a loopback port, stops it, starts it again, and removes it', async () => {
    const server = await startPostgres();
    try {
      expect(server.url).toBe(`postgres://ccb@127.0.0.1:${server.port}/postgres`);
      expect(await accepts(server.port)).toBe(true);
      // The postmaster: a live process whose command is postgres (a benchmark sums its tree's CPU time).
      const pid = server.pid() as number;
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('postgres');
      await server.stop();
      expect(server.pid()).toBeUndefined();
      expect(await accepts(server.port)).toBe(false);
      await server.start();
      expect(await accepts(server.port)).toBe(true);
      const database = await createTestDatabase(server.url, 'made');
      expect(database).toMatch(
        new RegExp(`^postgres://ccb@127\\.0\\.0\\.1:${server.port}/made_[0-9a-f]{12}$`),
      );
    } finally {
      await server.destroy();
    }
    expect(await accepts(server.port)).toBe(false);
  }, 60_000);
});

describe('postgresSkipReason', () => {
  it('names DATABASE_URL when neither it nor PostgreSQL is there, and nothing when DATABASE_URL is set', () => {
    expect(postgresSkipReason({ DATABASE_URL: 'postgres://x@127.0.0.1/db' })).toBeUndefined();
    const reason = postgresSkipReason({});
    expect(reason === undefined ? postgresBinDir() !== undefined : reason.includes('DATABASE_URL')).toBe(
      true,
    );
  });
});
