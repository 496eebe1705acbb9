import type { Readiness } from '@ccb/admin-api';
import type { Config } from '@ccb/config';
import type { OAuthTokenStore } from '@ccb/providers';
import { createHealthRecord, type ProviderHealthRecord } from '@ccb/router';
import type {
  RedisAffinityStore,
  RedisBudgetStore,
  RedisHealthStore,
  RedisOverrideStore,
  StateStoreError,
} from '@ccb/state-redis';
import type { SharedTokenStoreRequest } from '../oauth-accounts.js';
import type { ProviderOverride } from '../reload/runtime-overrides.js';

/** Where ccb says what the shared store does: one line when it goes down, one when it is back. */
export interface SharedStateLog {
  readonly warn: (message: string) => void;
  readonly info: (message: string) => void;
}

/** The state store as `/readyz` shows it (the admin API's contract): which, where (host:port only), up, since when. */
export type StateStoreReadiness = NonNullable<Readiness['state_store']>;

/**
 * Live state shared with the other instances through Redis (`state.store: redis`): the router's health and
 * affinity stores, the operators' overrides, and the connection's state for `/readyz` and the metrics.
 */
export interface SharedState {
  readonly healthStore: RedisHealthStore<ProviderHealthRecord>;
  readonly affinityStore: RedisAffinityStore;
  readonly overrides: RedisOverrideStore<ProviderOverride>;
  /**
   * A subscription account's tokens and refresh lock in Redis (`<prefix>oauth:<provider>:…`), over the instance's
   * token file. The account's credential source closes it when it is closed (a reload that rebuilds it, shutdown).
   */
  readonly oauthTokenStore: (request: SharedTokenStoreRequest) => OAuthTokenStore;
  /** Budget counters of every instance: reserve and settle in Redis, reads from a local replica. */
  readonly budgetStore: RedisBudgetStore;
  /** Called when a peer's spend or reservation changed a budget counter (e.g. to bench providers over budget). */
  followBudgets(listener: () => void): void;
  /** Where a peer's change to a provider's override goes (`undefined`: lifted); the balancer sets it once. */
  followOverrides(listener: (provider: string, override: ProviderOverride | undefined) => void): void;
  readiness(): StateStoreReadiness;
  metricsReading(): { store: string; up: boolean; failedWrites: number };
  /** Writes what is queued, then disconnects. */
  close(): Promise<void>;
}

/**
 * Loads `@ccb/state-redis` (and with it ioredis) only for `state.store: redis`, so that a single instance on memory
 * pays nothing for the feature, not even the import; `undefined` on memory. Connects in the background: serving never
 * waits for Redis. The URL is a secret: only its host:port is ever logged.
 */
export async function openSharedState(config: Config, log: SharedStateLog): Promise<SharedState | undefined> {
  if (config.state.store !== 'redis' || config.state.url === undefined) return undefined;
  return createSharedState(await import('@ccb/state-redis'), config, log);
}

/** {@link openSharedState} with the module loaded. */
export function createSharedState(
  stateRedis: typeof import('@ccb/state-redis'),
  config: Config,
  log: SharedStateLog,
): SharedState | undefined {
  const {
    createRedisAffinityStore,
    createRedisBudgetStore,
    createRedisConnection,
    createRedisHealthStore,
    createRedisOverrideStore,
    createRedisTokenStore,
  } = stateRedis;
  const state = config.state;
  if (state.store !== 'redis' || state.url === undefined) return undefined;
  let followers: (provider: string, override: ProviderOverride | undefined) => void = () => {};
  let budgetFollower: () => void = () => {};
  const connection = createRedisConnection({ url: state.url, keyPrefix: state.key_prefix });
  const where = `redis at ${connection.address}`;
  let everUp = false;
  let wentDown = false;
  // One line per change: a flapping network must not flood the log.
  let writeErrorLogged = false;
  connection.onUp(() => {
    writeErrorLogged = false;
    if (!everUp) log.info(`state: shared with the other instances through ${where}`);
    else if (wentDown) log.info(`state: ${where} is back; shared state resynchronised`);
    everUp = true;
    wentDown = false;
  });
  connection.onDown((lastError) => {
    wentDown = true;
    log.warn(
      `state: ${where} is unreachable${lastError === null ? '' : ` (${lastError})`}; serving on this instance's local state until it is back`,
    );
  });
  const onError = (error: StateStoreError) => {
    if (error.code === 'CCB_STATE_WRITE_FAILED' && (writeErrorLogged || !connection.status().up)) return;
    if (error.code === 'CCB_STATE_WRITE_FAILED') writeErrorLogged = true;
    log.warn(`state: ${error.message}`);
  };
  const healthStore: RedisHealthStore<ProviderHealthRecord> = createRedisHealthStore<ProviderHealthRecord>({
    connection,
    createRecord: createHealthRecord,
    onError,
    // A verdict is news for the operator, as this instance's own router events are; readings are not.
    onRemoteVerdict: (provider, group) => {
      const record = healthStore.get(provider);
      if (record !== undefined && group !== 'readings') log.info(describeVerdict(provider, group, record));
    },
  });
  const affinityStore = createRedisAffinityStore({ connection, onError });
  const overrides = createRedisOverrideStore<ProviderOverride>({
    connection,
    onError,
    onRemoteChange: (provider, override) => followers(provider, override),
  });
  function oauthTokenStore(request: SharedTokenStoreRequest): OAuthTokenStore {
    return createRedisTokenStore({
      connection,
      account: request.account,
      ...(request.fallback !== undefined ? { fallback: request.fallback } : {}),
      ...(request.initial !== undefined ? { initial: request.initial } : {}),
      // Once per outage and account; the message names the account and Redis's host:port, never a token.
      onFallback: (error) => log.warn(`state: ${error.message}`),
    });
  }
  const budgetStore = createRedisBudgetStore({
    connection,
    onError,
    onRemoteChange: () => budgetFollower(),
  });
  return {
    healthStore,
    affinityStore,
    overrides,
    oauthTokenStore,
    budgetStore,
    followBudgets(listener) {
      budgetFollower = listener;
    },
    followOverrides(listener) {
      followers = listener;
    },
    readiness() {
      const status = connection.status();
      return {
        store: 'redis',
        address: connection.address,
        up: status.up,
        since: new Date(status.since).toISOString(),
        last_error: status.lastError,
      };
    },
    metricsReading: () => ({
      store: 'redis',
      up: connection.status().up,
      failedWrites: connection.writeFailures(),
    }),
    async close() {
      await Promise.all([healthStore.close(), affinityStore.close(), overrides.close(), budgetStore.close()]);
      await connection.close();
    },
  };
}

/** One line for a peer's verdict on `provider`, as it now stands here. */
export function describeVerdict(
  provider: string,
  group: 'circuit' | 'cooldown',
  record: ProviderHealthRecord,
): string {
  const iso = (at: number | null) => (at === null ? 'further notice' : new Date(at).toISOString());
  if (group === 'cooldown') {
    return record.rateLimitedUntil === null
      ? `state: another instance ended provider ${provider}'s cool-down`
      : `state: another instance cooled provider ${provider} down (${record.rateLimitClass ?? 'rate_limit'}) until ${iso(record.rateLimitedUntil)}`;
  }
  return record.circuit === 'open'
    ? `state: another instance opened provider ${provider}'s circuit (${record.openReason ?? 'failures'}) until ${iso(record.openUntil)}`
    : `state: another instance closed provider ${provider}'s circuit`;
}
