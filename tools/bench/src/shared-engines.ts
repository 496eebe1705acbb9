import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  postgresSkipReason,
  redisSkipReason,
  startPostgres,
  startRedis,
} from '@ccb/test-engines';
import type { TargetId } from './scenarios.js';

/** The Redis and PostgreSQL that the `ccb-shared` target uses for one bench run. */
export interface SharedEngines {
  /** `redis://…`: `REDIS_URL`, or a redis-server the bench started. */
  readonly redisUrl: string;
  /** `postgres://…`: `DATABASE_URL`, or a database on a PostgreSQL the bench started. */
  readonly databaseUrl: string;
  /** `ccb-bench-<random>:`: the run's share of Redis; each scenario adds its own part (see `start-targets.ts`). */
  readonly keyPrefix: string;
  /** Where each engine comes from, for the progress line; hosts and ports only, never a password. */
  readonly description: string;
  /**
   * Process ids of the engines the bench started and that run now (none for `REDIS_URL`'s or `DATABASE_URL`'s): on
   * one machine their CPU is taken from the targets', so the bench reports it beside ccb-shared's.
   */
  pids(): number[];
  /** Stops and removes the engines the bench started (never `REDIS_URL`'s or `DATABASE_URL`'s). Idempotent. */
  stop(): Promise<void>;
}

/** A started engine, as `@ccb/test-engines` returns it. */
interface StartedEngine {
  readonly url: string;
  destroy(): Promise<void>;
  pid?(): number | undefined;
}

/** How the engines are found and started; tests replace these. Defaults: `@ccb/test-engines`. */
export interface SharedEngineSources {
  /** Why Redis is unavailable (neither `REDIS_URL` nor redis-server), or undefined. */
  readonly redisSkipReason: (env: NodeJS.ProcessEnv) => string | undefined;
  /** Why PostgreSQL is unavailable (neither `DATABASE_URL` nor PostgreSQL), or undefined. */
  readonly postgresSkipReason: (env: NodeJS.ProcessEnv) => string | undefined;
  readonly startRedis: () => Promise<StartedEngine>;
  readonly startPostgres: () => Promise<StartedEngine>;
  /** Creates an empty database on a server and returns its URL. */
  readonly createDatabase: (serverUrl: string) => Promise<string>;
}

/**
 * The engines stand for servers on other hosts: at the lowest priority they do not take CPU from the targets being
 * measured on a small machine (their work is asynchronous to requests by design: batched ledger rows, replicated state).
 */
const engineNiceness = 19;

const defaultSources: SharedEngineSources = {
  redisSkipReason,
  postgresSkipReason,
  startRedis: () => startRedis({ niceness: engineNiceness }),
  startPostgres: () => startPostgres({ niceness: engineNiceness }),
  createDatabase: (serverUrl) => createTestDatabase(serverUrl, 'ccb_bench'),
};

/**
 * The one line the bench prints when it cannot measure `ccb-shared`, naming the variables to set; undefined when
 * both engines are available (their variable is set, or the Debian package is installed so the bench can start one).
 */
export function sharedEnginesSkipReason(
  env: NodeJS.ProcessEnv = process.env,
  sources: Pick<SharedEngineSources, 'redisSkipReason' | 'postgresSkipReason'> = defaultSources,
): string | undefined {
  const missing = [
    sources.redisSkipReason(env) === undefined
      ? undefined
      : 'no Redis (set REDIS_URL=redis://… or install redis-server)',
    sources.postgresSkipReason(env) === undefined
      ? undefined
      : 'no PostgreSQL (set DATABASE_URL=postgres://… or install postgresql)',
  ].filter((reason): reason is string => reason !== undefined);
  return missing.length === 0 ? undefined : `ccb-shared skipped: ${missing.join(' and ')}`;
}

/** `host:port/path` of a URL, without its user and password. */
function address(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

async function fromEnvOrStarted(
  fromEnv: string | undefined,
  start: () => Promise<StartedEngine>,
): Promise<{ url: string; destroy: () => Promise<void>; started: boolean; pid: () => number | undefined }> {
  if (fromEnv) return { url: fromEnv, destroy: async () => {}, started: false, pid: () => undefined };
  const engine = await start();
  return { url: engine.url, destroy: () => engine.destroy(), started: true, pid: () => engine.pid?.() };
}

/**
 * Gets a Redis and a PostgreSQL database for `ccb-shared`: `REDIS_URL` and `DATABASE_URL` when set (used as they
 * are, so point them at scratch servers: the run leaves its keys and ledger rows there), else throwaway servers on
 * loopback from Debian's packages, started in parallel. If one cannot start, the other is stopped and the error
 * thrown. Check {@link sharedEnginesSkipReason} first.
 */
export async function startSharedEngines(
  env: NodeJS.ProcessEnv = process.env,
  sources: SharedEngineSources = defaultSources,
): Promise<SharedEngines> {
  const [redis, postgres] = await Promise.allSettled([
    fromEnvOrStarted(env.REDIS_URL, sources.startRedis),
    fromEnvOrStarted(env.DATABASE_URL, sources.startPostgres),
  ]);
  const stopBoth = async () => {
    await Promise.all(
      [redis, postgres].map((result) => (result.status === 'fulfilled' ? result.value.destroy() : undefined)),
    );
  };
  if (redis.status === 'rejected' || postgres.status === 'rejected') {
    await stopBoth();
    throw redis.status === 'rejected' ? redis.reason : (postgres as PromiseRejectedResult).reason;
  }
  let databaseUrl: string;
  try {
    // A database of its own on the bench's server; DATABASE_URL names one already.
    databaseUrl = postgres.value.started
      ? await sources.createDatabase(postgres.value.url)
      : postgres.value.url;
  } catch (error) {
    await stopBoth();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const origin = (started: boolean, variable: string) =>
    started ? 'started by the bench' : `from ${variable}`;
  return {
    redisUrl: redis.value.url,
    databaseUrl,
    keyPrefix: `ccb-bench-${randomBytes(4).toString('hex')}:`,
    description: `Redis at ${address(redis.value.url)} (${origin(redis.value.started, 'REDIS_URL')}), PostgreSQL at ${address(databaseUrl)} (${origin(postgres.value.started, 'DATABASE_URL')})`,
    pids: () => [redis.value.pid(), postgres.value.pid()].filter((pid): pid is number => pid !== undefined),
    stop() {
      stopping ??= stopBoth();
      return stopping;
    },
  };
}

/** Options of {@link prepareSharedEngines}. */
export interface PrepareSharedEnginesOptions {
  /** Progress lines: where the engines come from, or why `ccb-shared` is skipped. */
  readonly progress: (text: string) => void;
  /** Where `REDIS_URL` and `DATABASE_URL` are read. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default `@ccb/test-engines`. */
  readonly sources?: SharedEngineSources;
}

/**
 * The engines of `ccb-shared` when it is among `targets`: started (or taken from the environment) with one progress
 * line saying where they are; when they are not available, one progress line says why and the target is dropped.
 * Returns the targets to measure and the engines, which the caller stops.
 */
export async function prepareSharedEngines(
  targets: readonly TargetId[],
  options: PrepareSharedEnginesOptions,
): Promise<{ targets: readonly TargetId[]; engines: SharedEngines | undefined }> {
  if (!targets.includes('ccb-shared')) return { targets, engines: undefined };
  const env = options.env ?? process.env;
  const sources = options.sources ?? defaultSources;
  const skip = sharedEnginesSkipReason(env, sources);
  if (skip !== undefined) {
    options.progress(skip);
    return { targets: targets.filter((target) => target !== 'ccb-shared'), engines: undefined };
  }
  const engines = await startSharedEngines(env, sources);
  options.progress(`ccb-shared: ${engines.description}`);
  return { targets, engines };
}
