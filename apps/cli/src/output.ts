import type { RequestRecord } from '@ccb/proxy';
import { createConsola } from 'consola';

/** Log levels in order of verbosity, as configured (`server.log_level`). */
const levels = { trace: 5, debug: 4, info: 3, warn: 1, error: 0, silent: -999 } as const;
export type OutputLevel = keyof typeof levels;

/** Where ccb writes what it has to say: consola for people, JSON lines for machines. */
export interface Output {
  info(message: string): void;
  success(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** One line per finished request. */
  request(record: RequestRecord): void;
}

export interface OutputOptions {
  readonly level: OutputLevel;
  /** `auto` is pretty on a TTY, JSON lines otherwise. */
  readonly format: 'auto' | 'json' | 'pretty';
  readonly stream?: NodeJS.WriteStream;
}

/** Creates the CLI's output for the configured level and format. */
export function createOutput(options: OutputOptions): Output {
  const stream = options.stream ?? process.stdout;
  const json = options.format === 'json' || (options.format === 'auto' && !stream.isTTY);
  const threshold = levels[options.level];
  if (json) {
    const line = (level: string, fields: Record<string, unknown>) => {
      stream.write(`${JSON.stringify({ level, time: new Date().toISOString(), ...fields })}\n`);
    };
    return {
      info: (msg) => threshold >= levels.info && line('info', { msg }),
      success: (msg) => threshold >= levels.info && line('info', { msg }),
      warn: (msg) => threshold >= levels.warn && line('warn', { msg }),
      error: (msg) => threshold >= levels.error && line('error', { msg }),
      request: (record) =>
        threshold >= levels.info && line(record.status >= 500 ? 'warn' : 'info', requestFields(record)),
    };
  }
  const consola = createConsola({ level: threshold, stdout: stream, stderr: stream });
  return {
    info: (message) => consola.info(message),
    success: (message) => consola.success(message),
    warn: (message) => consola.warn(message),
    error: (message) => consola.error(message),
    request: (record) => {
      if (threshold >= levels.info) consola.log(prettyRequest(record));
    },
  };
}

/** The fields of a request log line (no secrets: the client key appears only as its fingerprint). */
export function requestFields(record: RequestRecord): Record<string, unknown> {
  return {
    msg: 'request',
    request_id: record.requestId,
    method: record.method,
    path: record.path,
    model: record.model,
    stream: record.stream,
    status: record.status,
    provider: record.provider,
    outcome: record.outcome,
    attempts: record.attempts.map((attempt) => ({
      provider: attempt.provider,
      result: attempt.result,
      status: attempt.status,
      failure: attempt.failure,
      reason: attempt.reason,
      duration_ms: round(attempt.durationInMs),
    })),
    duration_ms: round(record.durationInMs),
    ttfb_ms: record.timeToFirstByteInMs === undefined ? undefined : round(record.timeToFirstByteInMs),
    usage: record.usage,
    client_key_id: record.clientKeyId || undefined,
    upstream_request_id: record.upstreamRequestId,
  };
}

function prettyRequest(record: RequestRecord): string {
  const mark = record.outcome === 'error' ? '✗' : record.outcome === 'failed_over' ? '↻' : '✓';
  const failures = record.attempts
    .filter((attempt) => attempt.result === 'failure')
    .map((attempt) => `${attempt.provider}: ${attempt.reason ?? attempt.status ?? 'failed'}`);
  const parts = [
    mark,
    String(record.status),
    record.method,
    record.path,
    record.model ?? '',
    record.stream ? 'stream' : '',
    record.provider !== undefined ? `→ ${record.provider}` : '',
    failures.length > 0 ? `(failed over from ${failures.join(', ')})` : '',
    `${Math.round(record.durationInMs)}ms`,
    record.usage ? `in=${record.usage.inputTokens} out=${record.usage.outputTokens}` : '',
  ];
  return parts.filter((part) => part !== '').join(' ');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
