import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runOrThrow } from './_run.js';
import { postgresBinDir } from './start-postgres.js';

/**
 * Creates an empty database named `<prefix>_<random>` on the server of `serverUrl` with `createdb` (Debian's, else
 * the one on PATH) and returns its URL: a test that cannot choose a schema (a whole ccb) gets a database of its own.
 */
export async function createTestDatabase(serverUrl: string, prefix = 'ccb_test'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const bin = postgresBinDir();
  await runOrThrow(bin === undefined ? 'createdb' : join(bin, 'createdb'), [
    `--maintenance-db=${serverUrl}`,
    name,
  ]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
