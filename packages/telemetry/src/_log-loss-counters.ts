import { Counter, type Registry } from 'prom-client';
import type { LogLoss } from './log-loss.js';

/**
 * Registers `log_lines_dropped_total{reason}` and `log_bytes_dropped_total{reason}`, read from the logger's
 * `lostLines` at every scrape.
 */
export function registerLogLossCounters(
  registry: Registry,
  prefix: string,
  logLoss: () => readonly LogLoss[],
): void {
  registerLossCounter(
    registry,
    `${prefix}log_lines_dropped_total`,
    'Log lines stdout never got, by reason: full (its reader did not keep up), error (it failed, e.g. EPIPE).',
    () => logLoss().map((loss) => [loss.reason, loss.lines]),
  );
  registerLossCounter(
    registry,
    `${prefix}log_bytes_dropped_total`,
    'Bytes of the log lines stdout never got, by reason.',
    () => logLoss().map((loss) => [loss.reason, loss.bytes]),
  );
}

/** A counter by `reason`, read from `read` at scrape time. */
function registerLossCounter(
  registry: Registry,
  name: string,
  help: string,
  read: () => readonly (readonly [string, number])[],
): void {
  new Counter({
    name,
    help,
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of read()) this.inc({ reason }, count);
    },
  });
}
