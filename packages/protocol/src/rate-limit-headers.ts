import { headerValue, type ResponseHeaders } from './headers.js';

/** One `anthropic-ratelimit-<kind>-{limit,remaining,reset}` triple (https://docs.claude.com/en/api/rate-limits). */
export interface BudgetReading {
  readonly limit: number | null;
  readonly remaining: number | null;
  /** ms epoch of the reset (from RFC 3339), or `null` when absent. */
  readonly resetAt: number | null;
}

/** The standard API-key budgets; `null` for a kind the response did not carry. */
export interface BudgetReadings {
  readonly requests: BudgetReading | null;
  readonly tokens: BudgetReading | null;
  readonly inputTokens: BudgetReading | null;
  readonly outputTokens: BudgetReading | null;
}

/** One subscription ("unified") window, e.g. `5h`, `7d`, `overage` (observed on subscription accounts; not in the public docs). */
export interface UnifiedWindowReading {
  readonly status: string | null;
  /** Fraction used, e.g. `0.93`; above 1 when exhausted. */
  readonly utilization: number | null;
  /** ms epoch (the header is epoch seconds). */
  readonly resetAt: number | null;
}

/** Subscription ("unified") limits. */
export interface UnifiedReading {
  /** `allowed`, `allowed_warning` or `rejected`, when sent. */
  readonly status: string | null;
  /** ms epoch (the header is epoch seconds). */
  readonly resetAt: number | null;
  readonly windows: Readonly<Record<string, UnifiedWindowReading>>;
}

/** What one response's `anthropic-ratelimit-*` headers say. */
export interface RateLimitHeaders {
  /** `true` when any `anthropic-ratelimit-*` header was present. */
  readonly present: boolean;
  /** The four standard API-key budgets (`null` for kinds not sent). */
  readonly budget: BudgetReadings;
  /** Earliest reset (ms epoch) among the budgets whose `remaining` is 0, or `null`. */
  readonly exhaustedResetAt: number | null;
  /** Subscription limits, or `null` when no `anthropic-ratelimit-unified-*` header was sent. */
  readonly unified: UnifiedReading | null;
}

const prefix = 'anthropic-ratelimit-';
const unifiedPrefix = 'unified-';
const budgetKeys: Readonly<Record<string, keyof BudgetReadings>> = {
  requests: 'requests',
  tokens: 'tokens',
  'input-tokens': 'inputTokens',
  'output-tokens': 'outputTokens',
};
const noBudget: BudgetReadings = Object.freeze({
  requests: null,
  tokens: null,
  inputTokens: null,
  outputTokens: null,
});
/** The reading of a response without any `anthropic-ratelimit-*` header. */
export const noRateLimitHeaders: RateLimitHeaders = Object.freeze({
  present: false,
  budget: noBudget,
  exhaustedResetAt: null,
  unified: null,
});

interface MutableReading {
  limit: number | null;
  remaining: number | null;
  resetAt: number | null;
}

interface MutableWindow {
  status: string | null;
  utilization: number | null;
  resetAt: number | null;
}

function toNumber(value: string): number | null {
  const parsed = Number(value);
  return value.trim() === '' || !Number.isFinite(parsed) ? null : parsed;
}

/** An RFC 3339 timestamp (budget resets) or an HTTP-date (`retry-after`) to ms epoch. */
function dateToMs(value: string): number | null {
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/** Unified resets are epoch seconds; a value already in ms (some relays) is accepted as is. */
function epochToMs(value: string): number | null {
  const parsed = toNumber(value);
  if (parsed === null) return null;
  return parsed > 100_000_000_000 ? parsed : parsed * 1000;
}

/**
 * Reads every `anthropic-ratelimit-*` header in one pass over the header names. Subscription headers are matched
 * by prefix because a 429 may carry only per-window ones (`-5h-status: rejected`) without the aggregates
 * (observed on subscription accounts; not in the public docs).
 */
export function readRateLimitHeaders(headers: ResponseHeaders): RateLimitHeaders {
  let budgets: Record<string, MutableReading> | undefined;
  let unifiedStatus: string | null = null;
  let unifiedResetAt: number | null = null;
  let windows: Record<string, MutableWindow> | undefined;
  let unifiedSeen = false;

  for (const name in headers) {
    if (!name.startsWith(prefix)) continue;
    const value = headerValue(headers, name);
    if (value === undefined) continue;
    const rest = name.slice(prefix.length);

    if (rest.startsWith(unifiedPrefix)) {
      unifiedSeen = true;
      const field = rest.slice(unifiedPrefix.length);
      if (field === 'status') unifiedStatus = value;
      else if (field === 'reset') unifiedResetAt = epochToMs(value);
      else {
        const split = splitField(field, windowFields);
        if (split === undefined) continue;
        windows ??= {};
        let window = windows[split.owner];
        if (window === undefined) {
          window = { status: null, utilization: null, resetAt: null };
          windows[split.owner] = window;
        }
        if (split.field === 'status') window.status = value;
        else if (split.field === 'utilization') window.utilization = toNumber(value);
        else window.resetAt = epochToMs(value);
      }
      continue;
    }

    const split = splitField(rest, budgetFields);
    if (split === undefined) continue;
    budgets ??= {};
    let reading = budgets[split.owner];
    if (reading === undefined) {
      reading = { limit: null, remaining: null, resetAt: null };
      budgets[split.owner] = reading;
    }
    if (split.field === 'limit') reading.limit = toNumber(value);
    else if (split.field === 'remaining') reading.remaining = toNumber(value);
    else reading.resetAt = dateToMs(value);
  }

  if (budgets === undefined && !unifiedSeen) return noRateLimitHeaders;

  let exhaustedResetAt: number | null = null;
  const budget: Record<keyof BudgetReadings, BudgetReading | null> = { ...noBudget };
  if (budgets !== undefined) {
    for (const kind in budgets) {
      const reading = budgets[kind] as MutableReading;
      const key = budgetKeys[kind];
      if (key !== undefined) budget[key] = reading;
      if (reading.remaining === 0 && reading.resetAt !== null) {
        if (exhaustedResetAt === null || reading.resetAt < exhaustedResetAt)
          exhaustedResetAt = reading.resetAt;
      }
    }
  }
  return {
    present: true,
    budget,
    exhaustedResetAt,
    unified: unifiedSeen ? { status: unifiedStatus, resetAt: unifiedResetAt, windows: windows ?? {} } : null,
  };
}

const windowFields = ['status', 'utilization', 'reset'] as const;
const budgetFields = ['limit', 'remaining', 'reset'] as const;

function splitField<Field extends string>(
  name: string,
  fields: readonly Field[],
): { owner: string; field: Field } | undefined {
  for (const field of fields) {
    if (
      name.length > field.length + 1 &&
      name.endsWith(field) &&
      name[name.length - field.length - 1] === '-'
    ) {
      return { owner: name.slice(0, name.length - field.length - 1), field };
    }
  }
  return undefined;
}

/**
 * When the upstream asks to retry, as a ms epoch: `retry-after-ms` (the SDK honours it), else `retry-after` as
 * delay-seconds or an HTTP-date (RFC 9110 §10.2.3). `null` when absent or malformed.
 */
export function readRetryAfter(headers: ResponseHeaders, nowInMs: number): number | null {
  const milliseconds = headerValue(headers, 'retry-after-ms');
  if (milliseconds !== undefined) {
    const delay = toNumber(milliseconds);
    if (delay !== null && delay >= 0) return nowInMs + delay;
  }
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter === undefined) return null;
  const seconds = toNumber(retryAfter);
  if (seconds !== null) return seconds >= 0 ? nowInMs + seconds * 1000 : null;
  return dateToMs(retryAfter);
}
