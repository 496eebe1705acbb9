import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import type { RequestRecord } from '@ccb/protocol';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { createFdSink, type FdSinkFailure } from './_fd-sink.js';
import { flushDestination } from './_flush-destination.js';
import { isoTime } from './_iso-time.js';
import { drainBeforeExit, LineBatch } from './_line-batch.js';
import { redactFields } from './_redact-fields.js';
import { formatRequestLine } from './format-request-line.js';
import { requestLogFields, requestLogLine } from './request-log-fields.js';
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
   * Where lines go. Default: stdout through sonic-boom, written synchronously (request lines in JSON mode are
   * gathered first; call `flush()` before exit). A `pino.destination(...)` or any writable stream works.
   */
  readonly destination?: NodeJS.WritableStream | DestinationStream;
  /** Every configured secret (provider keys, client keys): replaced by `[redacted]` wherever it appears. */
  readonly redactValues?: readonly string[];
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
  /** Resolves once buffered lines reached the destination; call before the process exits. */
  flush(): Promise<void>;
}

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
  if (options.destination !== undefined && typeof options.destination.write !== 'function') {
    throw new TelemetryError(
      'CCB_TELEMETRY_INVALID_OPTIONS',
      'log destination must be a writable stream or a pino destination',
    );
  }
  const scrub = createSecretScrubber(options.redactValues);
  const isTty = ((options.destination ?? process.stdout) as { isTTY?: boolean }).isTTY === true;
  const pretty = format === 'pretty' || (format === 'auto' && isTty);
  // sonic-boom, not a worker transport: tsup bundles and worker threads do not mix reliably. Synchronous, as pino's
  // own default: an asynchronous write hands each batch to libuv's thread pool, and waking that thread and then the
  // event loop again cost more CPU (futex wake-ups, cross-CPU interrupts) than the write itself.
  const sink = options.destination ?? pino.destination({ dest: 1, sync: true });
  // Request lines to stdout leave in batches, written once 16 KiB are gathered or 200 ms have passed: one write per
  // line cost more CPU than building the line. They are written to fd 1 directly, as bytes: sonic-boom takes strings
  // only, and measured and encoded each batch three times over. A given destination (a test's, a caller's stream)
  // gets each line as it comes.
  const batch =
    options.destination === undefined && !pretty
      ? new LineBatch(createFdSink(1, reportLostLines()), 16 * 1024, 200)
      : undefined;
  if (batch !== undefined) drainBeforeExit(batch);
  const prettyStream = pretty
    ? loadPinoPretty()({
        destination: sink,
        colorize: isTty,
        translateTime: 'SYS:HH:MM:ss.l',
        singleLine: true,
      })
    : undefined;
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
      hooks: {
        streamWrite: (line) => {
          batch?.drain();
          return scrub(line);
        },
      },
    },
    (prettyStream ?? sink) as DestinationStream,
  );

  const method =
    (name: Exclude<LogLevel, 'silent'>): LogMethod =>
    (fieldsOrMessage: object | string, message?: string) => {
      if (typeof fieldsOrMessage === 'string') base[name](fieldsOrMessage);
      else if (message === undefined) base[name](fieldsOrMessage);
      else base[name](fieldsOrMessage, message);
    };

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
        // The hottest log call: one line per request. Its fields are built here from known record fields, so the
        // line is serialised in one native JSON.stringify instead of pino's key-by-key walk (same shape: level,
        // time, fields, msg), then scrubbed, and batched for stdout (or written to the given destination).
        const line = scrub(requestLogLine(record, recordLevel, isoTime(), withHeaders, costUsd));
        if (batch !== undefined) batch.add(line);
        else (sink as { write(text: string): unknown }).write(`${line}\n`);
        return;
      }
      const line = formatRequestLine(record);
      if (withHeaders && record.attempts.some((attempt) => attempt.headers !== undefined)) {
        base[recordLevel]({ attempts: requestLogFields(record, true).attempts }, line);
      } else {
        base[recordLevel](line);
      }
    },
    flush() {
      return new Promise<void>((resolve, reject) => {
        const done = (error?: Error | null) => {
          if (error) {
            reject(
              new TelemetryError('CCB_TELEMETRY_FLUSH_FAILED', 'could not flush the log', { cause: error }),
            );
          } else {
            resolve();
          }
        };
        const flushSink = () => {
          batch?.drain();
          flushDestination(sink, done);
        };
        if (prettyStream === undefined) flushSink();
        else drainPretty(prettyStream, flushSink);
      });
    },
  };
}

/**
 * Reports request lines stdout refused (closed pipe, reader stalled for 10 s): once per error code, on stderr. Written
 * synchronously, not through `process.emitWarning`, whose output comes a tick later and is lost when the refusal
 * happens in the batch written at exit.
 */
function reportLostLines(): FdSinkFailure {
  const reported = new Set<string | undefined>();
  return (error, lostBytes) => {
    if (reported.has(error.code)) return;
    reported.add(error.code);
    try {
      writeSync(
        2,
        `ccb: warning CCB_TELEMETRY_WRITE_FAILED: request log lines could not be written to stdout (${error.code ?? error.message}): ` +
          `${lostBytes} bytes lost; later losses for the same reason are not reported again\n`,
      );
    } catch {
      // stderr is gone too: there is nowhere left to say it.
    }
  };
}

/**
 * pino-pretty, loaded only for pretty output: a JSON-logging server (the usual deployment) never pays the memory of
 * it and its dependencies (a few MiB of RSS).
 */
function loadPinoPretty(): PrettyFactory {
  const loaded = createRequire(import.meta.url)('pino-pretty') as PrettyFactory | { default: PrettyFactory };
  return typeof loaded === 'function' ? loaded : loaded.default;
}

type PrettyFactory = typeof import('pino-pretty');

/**
 * pino-pretty parses and formats lines in a stream pipeline, a few ticks behind `write`: wait (a bounded number of
 * turns) until its buffers are empty, then one more turn for the last line to reach the sink.
 */
function drainPretty(prettyStream: Readable & Writable, then: () => void, turnsLeft = 1000): void {
  setImmediate(() => {
    const busy = prettyStream.writableLength > 0 || prettyStream.readableLength > 0;
    if (busy && turnsLeft > 0) drainPretty(prettyStream, then, turnsLeft - 1);
    else setImmediate(then);
  });
}
