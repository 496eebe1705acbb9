import type { Config } from '@ccb/config';
import {
  createRedisBudgetStore,
  createRedisConnection,
  type RedisBudgetStore,
  type RedisConnection,
} from '@ccb/state-redis';

/** Budget counters shared through Redis (`state.store: redis`), and what closing them takes. */
export interface SharedBudgetStore {
  readonly store: RedisBudgetStore;
  /** Reservations this instance decided alone because Redis was down or slow. */
  localDecisions(): number;
  close(): Promise<void>;
}

export interface SharedBudgetStoreOptions {
  /** Redis failed or was too slow: said once per outage. */
  readonly onWarning?: (message: string) => void;
  /** Another instance spent or reserved: e.g. bench providers that are now over budget. */
  readonly onRemoteChange?: () => void;
  /** A connection to reuse (the one the other shared state uses); default: one of its own, closed with it. */
  readonly connection?: RedisConnection;
}

/** With `state.store: redis`, the shared budget store (budgets a reload adds share it too); otherwise `undefined`. */
export function sharedBudgetStore(
  config: Config,
  options: SharedBudgetStoreOptions = {},
): SharedBudgetStore | undefined {
  const { state } = config;
  if (state.store !== 'redis' || state.url === undefined) return undefined;
  const owned = options.connection === undefined;
  const connection =
    options.connection ?? createRedisConnection({ url: state.url, keyPrefix: state.key_prefix });
  const store = createRedisBudgetStore({
    connection,
    ...(options.onWarning !== undefined ? { onError: (error) => options.onWarning?.(error.message) } : {}),
    ...(options.onRemoteChange !== undefined ? { onRemoteChange: options.onRemoteChange } : {}),
  });
  return {
    store,
    localDecisions: () => store.localDecisions(),
    async close() {
      await store.close();
      if (owned) await connection.close();
    },
  };
}
