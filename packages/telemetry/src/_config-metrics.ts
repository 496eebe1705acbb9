import { Counter, Gauge, type Registry } from 'prom-client';

/** How a configuration reload ended, as `ccb_config_reloads_total` counts it. */
export type ConfigReloadResult = 'applied' | 'unchanged' | 'rejected';

/** `config_info`, `config_loaded_timestamp_seconds` and `config_reloads_total`, with their setters. */
export function registerConfigMetrics(registry: Registry, prefix: string) {
  const info = new Gauge({
    name: `${prefix}config_info`,
    help: 'The configuration in force, by hash (always 1; the hash changes when a reload applies a change).',
    labelNames: ['hash'],
    registers: [registry],
  });
  const loadedAt = new Gauge({
    name: `${prefix}config_loaded_timestamp_seconds`,
    help: 'When the configuration in force was loaded, in seconds since the epoch.',
    registers: [registry],
  });
  const reloads = new Counter({
    name: `${prefix}config_reloads_total`,
    help: 'Configuration reloads, by result: applied, unchanged (nothing differed), rejected (invalid; the running one stays).',
    labelNames: ['result'],
    registers: [registry],
  });
  // Every result exists from the start at 0, so an alert on rejected reloads works before the first one.
  for (const result of ['applied', 'unchanged', 'rejected'] as const) reloads.inc({ result }, 0);
  return {
    loaded(hash: string, loadedAtInMs: number): void {
      info.reset();
      info.set({ hash }, 1);
      loadedAt.set(loadedAtInMs / 1000);
    },
    reloaded(result: ConfigReloadResult): void {
      reloads.inc({ result });
    },
  };
}
