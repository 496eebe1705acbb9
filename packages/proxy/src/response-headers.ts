import type { IncomingHttpHeaders } from 'node:http';
import { filterResponseHeaders } from './hop-by-hop.js';

/** The client-facing headers of an upstream response. */
export function responseHeaders(
  headers: IncomingHttpHeaders,
  provider: string,
  requestId: string,
  maxRetryAfterInSeconds: number,
): string[] {
  const out = filterResponseHeaders(headers, (name, value) =>
    capRetryAfter(name, value, maxRetryAfterInSeconds),
  );
  out.push('x-ccb-provider', provider, 'x-request-id', requestId);
  return out;
}

/**
 * Claude Code waits out `retry-after` and aborts past 60 s (https://docs.claude.com/en/api/rate-limits); ccb has other providers
 * and its own cooldowns, so the client is told to come back soon instead.
 */
function capRetryAfter(name: string, value: string, maxInSeconds: number): string {
  if (name === 'retry-after') {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return String(Math.min(Math.max(seconds, 0), maxInSeconds));
    return String(maxInSeconds);
  }
  if (name === 'retry-after-ms') {
    const milliseconds = Number(value);
    const cap = maxInSeconds * 1000;
    return String(Number.isFinite(milliseconds) ? Math.min(Math.max(milliseconds, 0), cap) : cap);
  }
  return value;
}
