import { Counter, type Registry } from 'prom-client';
import type { Series } from './_series.js';

/** A counter published from `series` at scrape time. */
export function registerSeriesCounter(registry: Registry, name: string, help: string, series: Series): void {
  new Counter({
    name,
    help,
    labelNames: series.labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const cell of series.cells) this.inc(cell.labels, cell.value);
    },
  });
}
