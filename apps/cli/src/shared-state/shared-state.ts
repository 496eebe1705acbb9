import type { Config } from '@ccb/config';
import type { ProviderHealthRecord } from '@ccb/router';
import {
  createRedisAffinityStore,
  createRedisConnection,
  createRedisHealthStore,
  createRedisOverrideStore,
  type RedisAffinityStore,
  type RedisHealthStore,
  type RedisOverrideStore,
  type StateStoreError,
} from '@ccb/state-redis';
import type { ProviderOverride } from '../reload/runtime-overrides.js';

/** Where ccb says what the shared store does: one line when it goes down, one when it is back. */
export interface SharedStateLog {
  readonly warn: (message: string) => void;
  readonly info: (message: string) => void;
}

/** The state store as `/readyz` shows it: which, where (host:port only), whether it is up, since when. */
export interface StateStoreReadiness {
  readonly store: 'redis';
  readonly address: string;
  readonly up: boolean;
  readonly since: string;
  readonly last_error: string | null;
}

/**
 * Live state shared with the other instances through Redis (`state.store: redis`): the router's health and
 * affinity stores, the operators' overrides, and the connection's state for `/readyz` and the metrics.
 */
export interface SharedState {
  readonly healthStore: RedisHealthStore<ProviderHealthRecord>;
  readonly affinityStore: RedisAffinityStore;
  readonly overrides: RedisOverrideStore<ProviderOverride>;
  readiness(): StateStoreReadiness;
  metricsReading(): { store: string; up: boolean; failedWrites: number };
  /** Writes what is queued, then disconnects. */
  close(): Promise<void>;
}

/** Options of {@link createSharedState}. */
export interface SharedStateOptions {
  readonly log: SharedStateLog;
  /** A peer changed the override of `provider` (`undefined`: lifted). */
  readonly onRemoteOverride: (provider: string, override: ProviderOverride | undefined) => void;
}

/**
 * Connects to `state.url` in the background (serving never waits for Redis) and builds the shared stores; `undefined`
 * for `state.store: memory`, which then costs nothing. The URL is a secret: only its host:port is ever logged.
 */
export function createSharedState(config: Config, options: SharedStateOptions): SharedState | undefined {
  const state = config.state;
  if (state.store !== 'redis' || state.url === undefined) return undefined;
  const connection = createRedisConnection({ url: state.url, keyPrefix: state.key_prefix });
  const where = `redis at ${connection.address}`;
  let everUp = false;
  let wentDown = false;
  // One line per change: a flapping network must not flood the log.
  let writeErrorLogged = false;
  connection.onUp(() => {
    writeErrorLogged = false;
    if (!everUp) options.log.info(`state: shared with the other instances through ${where}`);
    else if (wentDown) options.log.info(`state: ${where} is back; shared state resynchronised`);
    everUp = true;
    wentDown = false;
  });
  connection.onDown((lastError) => {
    wentDown = true;
    options.log.warn(
      `state: ${where} is unreachable${lastError === null ? '' : ` (${lastError})`}; serving on this instance's local state until it is back`,
    );
  });
  const onError = (error: StateStoreError) => {
    if (error.code === 'CCB_STATE_WRITE_FAILED' && (writeErrorLogged || !connection.status().up)) return;
    if (error.code === 'CCB_STATE_WRITE_FAILED') writeErrorLogged = true;
    options.log.warn(`state: ${error.message}`);
  };
  const healthStore = createRedisHealthStore<ProviderHealthRecord>({ connection, onError });
  const affinityStore = createRedisAffinityStore({ connection, onError });
  const overrides = createRedisOverrideStore<ProviderOverride>({
    connection,
    onError,
    onRemoteChange: options.onRemoteOverride,
  });
  return {
    healthStore,
    affinityStore,
    overrides,
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
      await Promise.all([healthStore.close(), affinityStore.close(), overrides.close()]);
      await connection.close();
    },
  };
}
