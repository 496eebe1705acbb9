import { Counter, Gauge, type Registry } from 'prom-client';
import type { StateStoreLike } from './state-store-like.js';

/**
 * Registers `state_store_up{store}` and `state_store_write_failures_total{store}`, read from the shared state store
 * at every scrape.
 */
export function registerStateStoreGauges(
  registry: Registry,
  prefix: string,
  stateStore: () => StateStoreLike,
): void {
  new Gauge({
    name: `${prefix}state_store_up`,
    help: 'Whether the shared state store (Redis) is reachable: 1 up, 0 down (each instance then serves on its local state).',
    labelNames: ['store'],
    registers: [registry],
    collect() {
      const status = stateStore();
      this.reset();
      this.set({ store: status.store }, status.up ? 1 : 0);
    },
  });
  new Counter({
    name: `${prefix}state_store_write_failures_total`,
    help: 'Writes to the shared state store that failed or waited for it to come back; the local state kept them.',
    labelNames: ['store'],
    registers: [registry],
    collect() {
      const status = stateStore();
      this.reset();
      this.inc({ store: status.store }, status.failedWrites);
    },
  });
}
