import { MockUpstreamError } from './mock-upstream-error.js';

/**
 * A misbehaviour the mock plays on the next matching request(s), queued with `inject()` or
 * `POST /_mock/faults`. `status`, `reset`, `hang` and `delay` match every API request (anything but
 * `GET|HEAD /` and `/_mock/*`); `drop-after`, `sse-error` and `stall-after` match only streaming
 * `POST /v1/messages` requests, and other requests pass them by without using them up.
 */
export type Fault =
  /** Answer `status` with an Anthropic error body (type from the status unless `errorType`), or the raw `body`. */
  | {
      kind: 'status';
      status: number;
      errorType?: string;
      message?: string;
      headers?: Record<string, string>;
      body?: string;
    }
  /** Destroy the socket before sending headers (a connection reset as the client sees it). */
  | { kind: 'reset' }
  /** Never answer, until the client gives up or the mock closes: for first-byte timeouts. */
  | { kind: 'hang' }
  /** Wait `headersInMs` before the response headers, and `betweenEventsInMs` between SSE events (both in ms). */
  | { kind: 'delay'; headersInMs?: number; betweenEventsInMs?: number }
  /** Streaming: send `events` SSE events, then destroy the socket without ending the chunked body. */
  | { kind: 'drop-after'; events: number }
  /** Streaming: send `afterEvents` events, then `event: error` (default `overloaded_error`) and end the stream. */
  | { kind: 'sse-error'; afterEvents: number; errorType?: string; message?: string }
  /** Streaming: send `events` events, then go silent with the connection open: for idle timeouts. */
  | { kind: 'stall-after'; events: number };

/** The `kind` of a {@link Fault}. */
export type FaultKind = Fault['kind'];

/** True for the fault kinds that only apply to streaming `POST /v1/messages` requests. */
export function isStreamFault(fault: Fault): boolean {
  return fault.kind === 'drop-after' || fault.kind === 'sse-error' || fault.kind === 'stall-after';
}

function fail(message: string): never {
  throw new MockUpstreamError('CCB_MOCK_UPSTREAM_INVALID_FAULT', `Invalid fault: ${message}`);
}

function readCount(record: Record<string, unknown>, key: string, required: boolean): number | undefined {
  const value = record[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(`\`${key}\` must be a non-negative integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function readString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(`\`${key}\` must be a string, got ${JSON.stringify(value)}.`);
  return value;
}

function readHeaders(record: Record<string, unknown>): Record<string, string> | undefined {
  const value = record.headers;
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('`headers` must be an object of header name to string value.');
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue !== 'string') fail(`header \`${name}\` must have a string value.`);
    headers[name.toLowerCase()] = headerValue;
  }
  return headers;
}

/**
 * Checks an untrusted value (from `inject()` or the HTTP control API) and returns a clean {@link Fault}
 * holding only the known fields. Throws `CCB_MOCK_UPSTREAM_INVALID_FAULT` naming the bad field.
 */
export function parseFault(value: unknown): Fault {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('expected an object with a `kind`.');
  }
  const record = value as Record<string, unknown>;
  switch (record.kind) {
    case 'status': {
      const status = record.status;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
        fail(`\`status\` must be an integer HTTP status from 200 to 599, got ${JSON.stringify(status)}.`);
      }
      const fault: Fault = { kind: 'status', status };
      const errorType = readString(record, 'errorType');
      const message = readString(record, 'message');
      const headers = readHeaders(record);
      const body = readString(record, 'body');
      if (errorType !== undefined) fault.errorType = errorType;
      if (message !== undefined) fault.message = message;
      if (headers !== undefined) fault.headers = headers;
      if (body !== undefined) fault.body = body;
      return fault;
    }
    case 'reset':
      return { kind: 'reset' };
    case 'hang':
      return { kind: 'hang' };
    case 'delay': {
      const fault: Fault = { kind: 'delay' };
      const headersInMs = readCount(record, 'headersInMs', false);
      const betweenEventsInMs = readCount(record, 'betweenEventsInMs', false);
      if (headersInMs !== undefined) fault.headersInMs = headersInMs;
      if (betweenEventsInMs !== undefined) fault.betweenEventsInMs = betweenEventsInMs;
      return fault;
    }
    case 'drop-after':
      return { kind: 'drop-after', events: readCount(record, 'events', true) as number };
    case 'stall-after':
      return { kind: 'stall-after', events: readCount(record, 'events', true) as number };
    case 'sse-error': {
      const fault: Fault = {
        kind: 'sse-error',
        afterEvents: readCount(record, 'afterEvents', true) as number,
      };
      const errorType = readString(record, 'errorType');
      const message = readString(record, 'message');
      if (errorType !== undefined) fault.errorType = errorType;
      if (message !== undefined) fault.message = message;
      return fault;
    }
    default:
      return fail(
        `unknown \`kind\` ${JSON.stringify(record.kind)}; expected one of status, reset, hang, delay, drop-after, sse-error, stall-after.`,
      );
  }
}
