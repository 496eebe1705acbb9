import { createRequire } from 'node:module';
import type { RequestRecord } from '@ccb/protocol';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { flushDestination } from './_flush-destination.js';
import { isoTime } from './_iso-time.js';
import { redactFields } from './_redact-fields.js';
import { batchCapacityInBytes, createStdoutSink, type StdoutSink } from './_stdout-sink.js';
import { formatRequestLine } from './format-request-line.js';
import { type LogLoss, LogLossCounter, type LossReport } from './log-loss.js';
import { requestLogFields } from './request-log-fields.js';
import { requestLogLine } from './request-log-line.js';
import { createSecretScrubber } from './secret-scrubber.js';
import { TelemetryError } from './telemetry-error.js';

/** Log levels, most verbose first; `silent` logs nothing. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
/** `auto` is pretty on a TTY and JSON lines otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

const logLevels: ReadonlySet<string> = new Set<LogLevel>([
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'silent',
]);
const logFormats: ReadonlySet<string> = new Set<LogFormat>(['auto', 'json', 'pretty']);

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /**
   * Where lines go. Default: stdout, never waited on: lines are gathered into writes of about 48 KiB (at most 200 ms
   * late; other lines at once), written synchronously to a non-blocking stdout, and, while stdout is full, held up
   * to `maxBacklogInBytes`, then dropped and counted ({@link Logger.lostLines}). Any writable stream or sonic-boom
   * works; it gets each line as it comes, and what it does when full is its own affair.
   */
  readonly destination?: NodeJS.WritableStream | DestinationStream;
  /** Every configured secret (provider keys, client keys): replaced by `[redacted]` wherever it appears. */
  readonly redactValues?: readonly string[];
  /** stdout only: bytes held while stdout is full before lines are dropped; at least 64 KiB. Default 4 MiB. */
  readonly maxBacklogInBytes?: number;
  /** stdout only: how long `flush()`, `close()` and process exit wait for a full stdout. Default 1000 ms. */
  readonly flushTimeoutInMs?: number;
  /** stdout only: says a loss on stderr (once per cause). Default: `process.stderr.write`. */
  readonly reportLoss?: LossReport;
}

/** A log call: a message, or fields and an optional message. */
export interface LogMethod {
  (message: string): void;
  (fields: object, message?: string): void;
}

/** The balancer's logger: pino underneath, secrets scrubbed from every line it writes. */
export interface Logger {
  /** The format in use once `auto` is resolved. */
  readonly format: 'json' | 'pretty';
  /** The underlying pino logger (children inherit its redaction). */
  readonly pino: PinoLogger;
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /**
   * Logs one finished request: at `warn` when the client got a 5xx, at `info` otherwise. JSON mode writes the
   * fields of {@link requestLogFields}; pretty mode writes {@link formatRequestLine}. At `debug`, upstream header
   * summaries are added.
   */
  request(record: RequestRecord, costUsd?: number): void;
  /**
   * Resolves once buffered lines reached the destination. On stdout, a full one is retried for up to
   * `flushTimeoutInMs`, then it resolves anyway: the lines stay queued, and count as lost if still there at exit.
   */
  flush(): Promise<void>;
  /** Flushes, then stops the stdout writer (its timer and exit hook); later lines are counted as lost. */
  close(): Promise<void>;
  /** Lines stdout never got, by reason (zeros on a given destination, which counts nothing). Cheap: read per scrape. */
  lostLines(): readonly LogLoss[];
  /**
   * Scrubs these values too from every later line (a reloaded configuration's new secrets). Values already
   * scrubbed stay scrubbed: a secret removed from the configuration may still show up in a late line.
   */
  addRedactValues(values: readonly string[]): void;
}

/** Default `maxBacklogInBytes`: about a second of request lines at 8 000 requests per second. */
const defaultMaxBacklogInBytes = 4 * 1024 * 1024;
const defaultFlushTimeoutInMs = 1000;

/** Creates the logger for the configured level and format. */
export function createLogger(options: LoggerOptions): Logger {
  const { level, format } = options;
  if (!logLevels.has(level)) {
    throw new TelemetryError(
      'CCB_TELEMETRY_INVALID_OPTIONS',
      `log level ${JSON.stringify(level)} is not one of ${[...logLevels].join(', ')}`,
    );
  }
  if (!logFormats.has(format)) {
    throw new TelemetryError(
      'CCB_TELEMETRY_INVALID_OPTIONS',
      `log format ${JSON.stringify(format)} is not one of ${[...logFormats].join(', ')}`,
    );
  }
  const destination = options.destination;
  if (destination !== undefined && typeof destination.write !== 'function') {
    throw new TelemetryError(
      'CCB_TELEMETRY_INVALID_OPTIONS',
      'log destination must be a writable stream or a pino destination',
    );
  }
  const maxBacklogInBytes = options.maxBacklogInBytes ?? defaultMaxBacklogInBytes;
  if (destination === undefined && !(maxBacklogInBytes >= batchCapacityInBytes)) {
    // A batch larger than the backlog's cap is refused whole, even by an idle stdout: every line would be lost.
    throw new TelemetryError(
      'CCB_TELEMETRY_INVALID_OPTIONS',
      `maxBacklogInBytes must be at least ${batchCapacityInBytes} (one batch of log lines), got ${String(options.maxBacklogInBytes)}`,
    );
  }
  let redactValues: readonly string[] = options.redactValues ?? [];
  let scrub = createSecretScrubber(redactValues);
  const isTty = ((destination ?? process.stdout) as { isTTY?: boolean }).isTTY === true;
  const pretty = format === 'pretty' || (format === 'auto' && isTty);
  const loss = new LogLossCounter(options.reportLoss);
  const stdout: StdoutSink | undefined =
    destination === undefined
      ? createStdoutSink({
          maxBacklogInBytes,
          flushTimeoutInMs: options.flushTimeoutInMs ?? defaultFlushTimeoutInMs,
          loss,
        })
      : undefined;
  // pino-pretty's formatter, called in line: no stream pipeline that lags a few ticks behind `write`.
  const prettify = pretty
    ? loadPinoPretty().prettyFactory({ colorize: isTty, translateTime: 'SYS:HH:MM:ss.l', singleLine: true })
    : undefined;
  const given = destination as { write(text: string): unknown } | undefined;
  // Where pino writes each serialised (and scrubbed) line: stdout after what was gathered, or the given destination.
  const lineSink = {
    write(text: string): void {
      const out = prettify === undefined ? text : prettify(text);
      if (stdout !== undefined) stdout.text(out);
      else given?.write(out);
    },
  };
  const base = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactFields(fields),
      },
      // On the serialised line, so it also covers messages, child bindings and error stacks.
      hooks: { streamWrite: (line) => scrub(line) },
    },
    lineSink as DestinationStream,
  );

  const method =
    (name: Exclude<LogLevel, 'silent'>): LogMethod =>
    (fieldsOrMessage: object | string, message?: string) => {
      if (typeof fieldsOrMessage === 'string') base[name](fieldsOrMessage);
      else if (message === undefined) base[name](fieldsOrMessage);
      else base[name](fieldsOrMessage, message);
    };

  const flushGiven = () =>
    new Promise<void>((resolve, reject) => {
      flushDestination(given as object, (error) => {
        if (error) {
          reject(
            new TelemetryError('CCB_TELEMETRY_FLUSH_FAILED', 'could not flush the log', { cause: error }),
          );
        } else {
          resolve();
        }
      });
    });

  return {
    format: pretty ? 'pretty' : 'json',
    pino: base,
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    request(record, costUsd) {
      const recordLevel = record.outcome === 'error' && record.status >= 500 ? 'warn' : 'info';
      if (!base.isLevelEnabled(recordLevel)) return;
      const withHeaders = base.isLevelEnabled('debug');
      if (!pretty) {
        // The hottest log call: one line per request, written by hand from known record fields instead of pino's
        // key-by-key walk (same shape: level, time, fields, msg), then scrubbed, and gathered for stdout (or written
        // to the given destination).
        const line = scrub(requestLogLine(record, recordLevel, isoTime(), withHeaders, costUsd));
        if (stdout !== undefined) stdout.line(line);
        else given?.write(`${line}\n`);
        return;
      }
      const line = formatRequestLine(record);
      if (withHeaders && record.attempts.some((attempt) => attempt.headers !== undefined)) {
        base[recordLevel]({ attempts: requestLogFields(record, true).attempts }, line);
      } else {
        base[recordLevel](line);
      }
    },
    flush: () => (stdout !== undefined ? stdout.flush() : flushGiven()),
    close: () => (stdout !== undefined ? stdout.close() : flushGiven()),
    lostLines: () => loss.snapshot(),
    addRedactValues(values) {
      const added = values.filter((value) => !redactValues.includes(value));
      if (added.length === 0) return;
      // Validated before anything changes: a bad value leaves the scrubber as it was.
      const next = createSecretScrubber([...redactValues, ...added]);
      redactValues = [...redactValues, ...added];
      scrub = next;
    },
  };
}

/**
 * pino-pretty, loaded only for pretty output: a JSON-logging server (the usual deployment) never pays the memory of
 * it and its dependencies (a few MiB of RSS).
 */
function loadPinoPretty(): PrettyModule {
  const loaded = createRequire(import.meta.url)('pino-pretty') as PrettyModule | { default: PrettyModule };
  return 'prettyFactory' in loaded ? loaded : loaded.default;
}

type PrettyModule = typeof import('pino-pretty');
