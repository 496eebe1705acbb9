// Compile-time proof that @ccb/state-redis's stores fit @ccb/router's store interfaces without either importing
// the other: `pnpm typecheck` fails here if the router's records or stores drift from what the Redis stores hold.
import type { AdjustableAffinityStore, AffinityStore, HealthStore, ProviderHealthRecord } from '@ccb/router';
import type { HealthRecordShape, RedisAffinityStore, RedisHealthStore } from '@ccb/state-redis';

type Assert<T extends true> = T;

export type RecordHasTheSharedShape = Assert<ProviderHealthRecord extends HealthRecordShape ? true : false>;
export type RedisHealthStoreIsHealthStore = Assert<
  RedisHealthStore<ProviderHealthRecord> extends HealthStore ? true : false
>;
export type RedisAffinityStoreIsAffinityStore = Assert<
  RedisAffinityStore extends AffinityStore ? true : false
>;
export type RedisAffinityStoreIsAdjustable = Assert<
  RedisAffinityStore extends AdjustableAffinityStore ? true : false
>;
