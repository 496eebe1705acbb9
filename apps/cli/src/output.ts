import type { RequestRecord } from '@ccb/proxy';
import { createLogger, type Logger, type LogLoss } from '@ccb/telemetry';

/** Log levels, as configured (`server.log_level`). */
export type OutputLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Where a serving ccb writes what it has to say: pino JSON lines, or pretty lines on a terminal. */
export interface Output {
  info(message: string): void;
  success(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
  /** One line per finished request, with its cost in USD. */
  request(record: RequestRecord, costUsd?: number): void;
  /** Writes out what is buffered (request lines are gathered into batches); a full stdout is waited on briefly. */
  flush(): Promise<void>;
  /** Flushes, then stops the stdout writer (its batch timer): at shutdown. */
  close(): Promise<void>;
  /** Log lines stdout never got (its reader stalled or closed it), for the metrics. */
  lostLines(): readonly LogLoss[];
  /** Scrubs these values from every later line too (a reloaded configuration's secrets). */
  addRedactValues(values: readonly string[]): void;
}

export interface OutputOptions {
  readonly level: OutputLevel;
  /** `auto` is pretty on a TTY, JSON lines otherwise. */
  readonly format: 'auto' | 'json' | 'pretty';
  /** Every configured secret: the logger replaces any occurrence in any line. */
  readonly redactValues?: readonly string[];
  readonly destination?: NodeJS.WritableStream;
}

/** Creates the serving output on top of the telemetry logger, which redacts secrets itself. */
export function createOutput(options: OutputOptions): Output {
  const logger: Logger = createLogger({
    level: options.level,
    format: options.format,
    ...(options.redactValues !== undefined ? { redactValues: options.redactValues } : {}),
    ...(options.destination !== undefined ? { destination: options.destination } : {}),
  });
  return {
    info: (message) => logger.info(message),
    success: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
    debug: (fields, message) => logger.debug(fields, message),
    request: (record, costUsd) => logger.request(record, costUsd),
    flush: () => logger.flush(),
    close: () => logger.close(),
    lostLines: () => logger.lostLines(),
    // The scrubber itself passes over values too short to be secrets.
    addRedactValues: (values) => logger.addRedactValues(values),
  };
}
