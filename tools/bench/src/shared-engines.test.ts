import { describe, expect, it } from 'vitest';
import {
  prepareSharedEngines,
  type SharedEngineSources,
  sharedEnginesSkipReason,
  startSharedEngines,
} from './shared-engines.js';

/** Fake engines that record what was started and destroyed; `failing` names one whose start rejects. */
function fakeSources(failing?: 'redis' | 'postgres') {
  const events: string[] = [];
  const engine = (name: 'redis' | 'postgres', url: string) => async () => {
    if (failing === name) throw new Error(`${name} did not start`);
    events.push(`start ${name}`);
    return { url, destroy: async () => void events.push(`destroy ${name}`) };
  };
  const sources: SharedEngineSources = {
    redisSkipReason: () => undefined,
    postgresSkipReason: () => undefined,
    startRedis: engine('redis', 'redis://127.0.0.1:6400'),
    startPostgres: engine('postgres', 'postgres://ccb@127.0.0.1:5500/postgres'),
    createDatabase: async (serverUrl) => {
      events.push(`createdb on ${serverUrl}`);
      return 'postgres://ccb@127.0.0.1:5500/ccb_bench_1';
    },
  };
  return { sources, events };
}

describe('sharedEnginesSkipReason', () => {
  const unavailable = () => 'not here';
  const available = () => undefined;

  it('is one line naming what to set or install for each missing engine, and undefined when both are there', () => {
    const reason = sharedEnginesSkipReason(
      {},
      { redisSkipReason: unavailable, postgresSkipReason: unavailable },
    );
    expect(reason).toBe(
      'ccb-shared skipped: no Redis (set REDIS_URL=redis://… or install redis-server) and no PostgreSQL (set DATABASE_URL=postgres://… or install postgresql)',
    );
    expect(sharedEnginesSkipReason({}, { redisSkipReason: available, postgresSkipReason: unavailable })).toBe(
      'ccb-shared skipped: no PostgreSQL (set DATABASE_URL=postgres://… or install postgresql)',
    );
    expect(sharedEnginesSkipReason({}, { redisSkipReason: unavailable, postgresSkipReason: available })).toBe(
      'ccb-shared skipped: no Redis (set REDIS_URL=redis://… or install redis-server)',
    );
    expect(
      sharedEnginesSkipReason({}, { redisSkipReason: available, postgresSkipReason: available }),
    ).toBeUndefined();
  });

  it('asks @ccb/test-engines by default, which counts REDIS_URL and DATABASE_URL as available', () => {
    expect(
      sharedEnginesSkipReason({ REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgres://127.0.0.1:1/x' }),
    ).toBeUndefined();
  });
});

describe('startSharedEngines', () => {
  it('starts both engines and a database of its own, and stops them once however often stop is called', async () => {
    const { sources, events } = fakeSources();
    const engines = await startSharedEngines({}, sources);
    expect(engines.redisUrl).toBe('redis://127.0.0.1:6400');
    expect(engines.databaseUrl).toBe('postgres://ccb@127.0.0.1:5500/ccb_bench_1');
    expect(engines.keyPrefix).toMatch(/^ccb-bench-[0-9a-f]{8}:$/);
    expect(engines.description).toBe(
      'Redis at 127.0.0.1:6400 (started by the bench), PostgreSQL at 127.0.0.1:5500/ccb_bench_1 (started by the bench)',
    );
    await Promise.all([engines.stop(), engines.stop()]);
    expect(events.sort()).toEqual([
      'createdb on postgres://ccb@127.0.0.1:5500/postgres',
      'destroy postgres',
      'destroy redis',
      'start postgres',
      'start redis',
    ]);
  });

  it('uses REDIS_URL and DATABASE_URL as they are, never stops them, and keeps their passwords out of the line', async () => {
    const { sources, events } = fakeSources();
    const engines = await startSharedEngines(
      {
        REDIS_URL: 'redis://:s3cret@10.0.0.20:6379/0',
        DATABASE_URL: 'postgres://ccb:s3cret@10.0.0.21:5432/scratch',
      },
      sources,
    );
    expect(engines.redisUrl).toBe('redis://:s3cret@10.0.0.20:6379/0');
    expect(engines.databaseUrl).toBe('postgres://ccb:s3cret@10.0.0.21:5432/scratch');
    expect(engines.description).toBe(
      'Redis at 10.0.0.20:6379/0 (from REDIS_URL), PostgreSQL at 10.0.0.21:5432/scratch (from DATABASE_URL)',
    );
    await engines.stop();
    expect(events).toEqual([]);
  });

  it('stops the engine that started when the other one fails, and throws its error', async () => {
    const { sources, events } = fakeSources('postgres');
    await expect(startSharedEngines({}, sources)).rejects.toThrow('postgres did not start');
    expect(events).toEqual(['start redis', 'destroy redis']);
    const redisFails = fakeSources('redis');
    await expect(startSharedEngines({}, redisFails.sources)).rejects.toThrow('redis did not start');
    expect(redisFails.events).toEqual(['start postgres', 'destroy postgres']);
  });

  it('stops both engines when the database cannot be created', async () => {
    const { sources, events } = fakeSources();
    const failingDatabase = {
      ...sources,
      createDatabase: async () => {
        throw new Error('createdb failed');
      },
    };
    await expect(startSharedEngines({}, failingDatabase)).rejects.toThrow('createdb failed');
    expect(events.sort()).toEqual(['destroy postgres', 'destroy redis', 'start postgres', 'start redis']);
  });
});

describe('prepareSharedEngines', () => {
  it('starts nothing when ccb-shared is not among the targets', async () => {
    const { sources, events } = fakeSources();
    const lines: string[] = [];
    const prepared = await prepareSharedEngines(['node-pipe', 'ccb'], {
      progress: (line) => lines.push(line),
      sources,
    });
    expect(prepared).toEqual({ targets: ['node-pipe', 'ccb'], engines: undefined });
    expect([...events, ...lines]).toEqual([]);
  });

  it('drops ccb-shared with one line naming the variables when an engine is missing, and starts nothing', async () => {
    const { sources, events } = fakeSources();
    const lines: string[] = [];
    const prepared = await prepareSharedEngines(['ccb', 'ccb-shared'], {
      progress: (line) => lines.push(line),
      sources: { ...sources, redisSkipReason: () => 'not here' },
    });
    expect(prepared).toEqual({ targets: ['ccb'], engines: undefined });
    expect(lines).toEqual(['ccb-shared skipped: no Redis (set REDIS_URL=redis://… or install redis-server)']);
    expect(events).toEqual([]);
  });

  it('starts the engines for ccb-shared and says where they are in one line', async () => {
    const { sources } = fakeSources();
    const lines: string[] = [];
    const prepared = await prepareSharedEngines(['ccb', 'ccb-shared'], {
      progress: (line) => lines.push(line),
      sources,
    });
    expect(prepared.targets).toEqual(['ccb', 'ccb-shared']);
    expect(prepared.engines?.redisUrl).toBe('redis://127.0.0.1:6400');
    expect(lines).toEqual([`ccb-shared: ${prepared.engines?.description}`]);
    await prepared.engines?.stop();
  });
});
