import { enginesRequired } from './engines-required.js';
import { postgresBinDir, startPostgres } from './start-postgres.js';

/** A PostgreSQL for a test suite: `DATABASE_URL`'s, or one started for it. */
export interface TestPostgres {
  readonly url: string;
  /** Stops the server this suite started; nothing for `DATABASE_URL`'s. */
  release(): Promise<void>;
}

/**
 * Why Postgres tests cannot run here, as the one line a skipped suite prints; `undefined` when they can:
 * `DATABASE_URL` is set, or PostgreSQL is installed so a suite can start its own.
 */
export function postgresSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DATABASE_URL || enginesRequired(env)) return undefined;
  if (postgresBinDir() !== undefined) return undefined;
  return 'set DATABASE_URL (postgres://…) or install PostgreSQL (apt-get install postgresql) to run the Postgres tests';
}

/** `DATABASE_URL` when set, else a PostgreSQL started in a temp directory (see {@link startPostgres}). */
export async function postgresForTests(env: NodeJS.ProcessEnv = process.env): Promise<TestPostgres> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, release: async () => {} };
  const server = await startPostgres();
  return { url: server.url, release: () => server.destroy() };
}

/**
 * Why a test that must start (and stop) its own PostgreSQL cannot run here, as one line; `undefined` when it can, or
 * when the engines are required (`CCB_REQUIRE_ENGINES=1`).
 */
export function ownPostgresSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (postgresBinDir() !== undefined || enginesRequired(env)) return undefined;
  return 'install PostgreSQL (apt-get install postgresql): this test stops its own server';
}
