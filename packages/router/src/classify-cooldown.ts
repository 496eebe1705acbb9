import {
  type AttemptOutcome,
  headerValue,
  isSpendLimit,
  type RateLimitHeaders,
  readRetryAfter,
  type UnifiedReading,
} from '@ccb/protocol';
import type { ResolvedHealthOptions } from './health-options.js';
import type { RateLimitClass } from './health-store.js';

/** A cool-down decided from one failed attempt: the provider is unusable until `until` (ms epoch). */
export interface Cooldown {
  readonly rateLimitClass: RateLimitClass;
  readonly until: number;
}

/** The subscription window that decides a rejection; `overage` is extra usage, not a limit of its own. */
function isLimitWindow(window: string): boolean {
  return window !== 'overage';
}

/** Latest reset among the rejected (or over-used) subscription windows still in the future. */
function rejectedWindowsResetAt(unified: UnifiedReading, nowInMs: number): number | null {
  let resetAt: number | null = null;
  for (const window in unified.windows) {
    if (!isLimitWindow(window)) continue;
    const reading = unified.windows[window];
    if (reading === undefined || reading.resetAt === null || reading.resetAt <= nowInMs) continue;
    const exhausted =
      reading.status === 'rejected' || (reading.utilization !== null && reading.utilization >= 1);
    if (exhausted && (resetAt === null || reading.resetAt > resetAt)) resetAt = reading.resetAt;
  }
  return resetAt;
}

function future(time: number | null, nowInMs: number): number | null {
  return time !== null && time > nowInMs ? time : null;
}

/**
 * Decides whether a failed attempt cools the provider down, and until when. Order matters: a spend limit beats
 * everything; 529/overloaded is short; subscription windows trust their reset epochs over `retry-after` (which
 * drained windows do not always send, observed on subscription accounts; not in the public docs); a bare 429 with `x-should-retry: true` and no
 * rate-limit headers is request-scoped (better-ccflare `retryable-429.ts`); any other 429 waits for
 * `retry-after`, else the earliest exhausted budget reset, else the default. Returns `undefined` for failures
 * that are not about limits (those feed the circuit breaker instead).
 */
export function classifyCooldown(
  outcome: AttemptOutcome,
  rateLimit: RateLimitHeaders,
  nowInMs: number,
  options: ResolvedHealthOptions,
): Cooldown | undefined {
  if (isSpendLimit(outcome)) {
    return { rateLimitClass: 'spend_limit', until: nowInMs + options.spendLimitCooldownInMs };
  }
  const headers = outcome.headers;
  const retryAt = headers === undefined ? null : future(readRetryAfter(headers, nowInMs), nowInMs);

  if (outcome.status === 529 || outcome.errorType === 'overloaded_error') {
    return { rateLimitClass: 'overloaded', until: retryAt ?? nowInMs + options.overloadedCooldownInMs };
  }

  const is429 = outcome.status === 429 || outcome.errorType === 'rate_limit_error';
  const unified = rateLimit.unified;
  if (unified !== null && (is429 || unified.status === 'rejected')) {
    // Nothing is served before the last exhausted window resets: the aggregate reset may name another window
    // (the representative claim), so the latest of it and the exhausted windows' resets wins.
    const aggregateAt = unified.status === 'rejected' ? future(unified.resetAt, nowInMs) : null;
    const windowsAt = rejectedWindowsResetAt(unified, nowInMs);
    const exhaustedUntil =
      aggregateAt === null ? windowsAt : windowsAt === null ? aggregateAt : Math.max(aggregateAt, windowsAt);
    const until =
      exhaustedUntil ??
      future(unified.resetAt, nowInMs) ??
      retryAt ??
      nowInMs + options.rateLimitDefaultCooldownInMs;
    return { rateLimitClass: 'unified_window', until };
  }
  if (!is429) return undefined;

  if (!rateLimit.present && headers !== undefined && headerValue(headers, 'x-should-retry') === 'true') {
    const cap = nowInMs + options.requestScoped429CooldownInMs;
    return { rateLimitClass: 'request_scoped', until: retryAt === null ? cap : Math.min(retryAt, cap) };
  }
  return {
    rateLimitClass: 'rate_limit',
    until:
      retryAt ??
      future(rateLimit.exhaustedResetAt, nowInMs) ??
      nowInMs + options.rateLimitDefaultCooldownInMs,
  };
}
