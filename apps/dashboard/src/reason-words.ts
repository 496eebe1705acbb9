import type { AdminProvider, RouterEventWire } from '@ccb/admin-api';
import { formatClock, formatCountdown } from './format.js';

/** How a provider stands, in words: a short status and, when it is held back, why and until when. */
export interface ProviderStatusWords {
  /** `ok`, `warn` (demoted, draining, half-open) or `down` (not offered to requests). */
  readonly tone: 'ok' | 'warn' | 'down';
  readonly label: string;
  /** Why, in words; `null` when nothing holds it back. */
  readonly reason: string | null;
}

/** The subscription window names the upstream sends, in words. */
export function windowName(name: string): string {
  const match = /^(\d+)([hd])(?:_(.+))?$/.exec(name);
  if (match === null) return name.replaceAll('_', ' ');
  const [, amount, unit, model] = match;
  const span = `${amount}-${unit === 'h' ? 'hour' : 'day'}`;
  return model === undefined ? span : `${span} ${model.charAt(0).toUpperCase()}${model.slice(1)}`;
}

const openReasons: Readonly<Record<string, string>> = {
  'consecutive-failures': 'failed several times in a row',
  'failure-rate': 'too many of its recent requests failed',
  auth: 'its credentials were rejected',
  'trial-failure': 'its trial request after a cool-down failed',
  'probe-failure': 'its health probe failed',
};

const demotions: Readonly<Record<string, string>> = {
  'low-budget': 'running low on its rate-limit budget',
  'unified-warning': 'its subscription window is close to the limit',
  'unified-utilization': 'its subscription window is mostly used',
};

/** `retry-after 30 s` or `resets 14:05`, whichever reads better for the time left. */
function until(untilInMs: number | null, nowInMs: number, verb: 'retry-after' | 'resets' | 'back'): string {
  if (untilInMs === null) return '';
  if (verb === 'retry-after') return `, retry-after ${formatCountdown(untilInMs, nowInMs)}`;
  return `, ${verb} ${formatClock(untilInMs, nowInMs)} (in ${formatCountdown(untilInMs, nowInMs)})`;
}

/** The exhausted subscription window: rejected, or used up; else the most used one. */
function exhaustedWindow(provider: AdminProvider): [string, number | null] | undefined {
  const windows = Object.entries(provider.unified?.windows ?? {});
  if (windows.length === 0) return undefined;
  const sorted = windows.sort(
    ([, left], [, right]) =>
      Number(right.status === 'rejected') - Number(left.status === 'rejected') ||
      (right.utilization ?? 0) - (left.utilization ?? 0),
  );
  const [name, window] = sorted[0] as (typeof windows)[number];
  return [name, window.reset_at === null ? null : Date.parse(window.reset_at)];
}

/** Why a provider is cooling down or its circuit is open, in words, e.g. "429 from the API, retry-after 30 s". */
export function coolDownInWords(provider: AdminProvider, nowInMs: number): string | null {
  const health = provider.health;
  const untilInMs = health.cooling_down_until === null ? null : Date.parse(health.cooling_down_until);
  const status = health.last_error?.status ?? null;
  switch (health.rate_limit_class) {
    case 'rate_limit':
      return `${status ?? 429} from the API, rate limited${until(untilInMs, nowInMs, 'retry-after')}`;
    case 'request_scoped':
      return `${status ?? 429} for a request this large, held back${until(untilInMs, nowInMs, 'retry-after')}`;
    case 'overloaded':
      return `${status ?? 529} overloaded from the API${until(untilInMs, nowInMs, 'retry-after')}`;
    case 'spend_limit':
      return `the account's spend limit is reached${until(untilInMs, nowInMs, 'back')}`;
    case 'unified_window': {
      const window = exhaustedWindow(provider);
      const name = window === undefined ? 'usage' : windowName(window[0]);
      return `subscription ${name} window exhausted${until(window?.[1] ?? untilInMs, nowInMs, 'resets')}`;
    }
  }
  if (health.reason === 'budget') return `over its spend budget in ccb${until(untilInMs, nowInMs, 'back')}`;
  if (health.circuit !== 'closed') {
    const why = openReasons[health.reason ?? ''] ?? health.reason ?? 'failures';
    const what = status === null ? (health.last_error?.kind ?? null) : `last answer ${status}`;
    const tail =
      health.circuit === 'open' ? until(untilInMs, nowInMs, 'retry-after') : ', trying one request';
    return `${why}${what === null ? '' : ` (${what})`}${tail}`;
  }
  if (health.reason !== null && demotions[health.reason] !== undefined) {
    return `tried last: ${demotions[health.reason]}${until(untilInMs, nowInMs, 'back')}`;
  }
  return null;
}

/** The provider's status as one label, its tone and its reason. */
export function providerStatus(provider: AdminProvider, nowInMs: number): ProviderStatusWords {
  const reason = coolDownInWords(provider, nowInMs);
  if (provider.state === 'disabled') return { tone: 'down', label: 'disabled', reason };
  if (provider.state === 'draining') return { tone: 'warn', label: 'draining', reason };
  if (provider.state === 'drained') return { tone: 'down', label: 'drained', reason };
  const circuit = provider.health.circuit;
  if (circuit === 'open') return { tone: 'down', label: 'circuit open', reason };
  if (circuit === 'half-open') return { tone: 'warn', label: 'half-open', reason };
  if (!provider.health.usable) return { tone: 'down', label: 'cooling down', reason };
  if (reason !== null) return { tone: 'warn', label: 'demoted', reason };
  return { tone: 'ok', label: 'serving', reason: null };
}

/** A router event's kind as a short tag for the event list. */
export function eventTag(event: RouterEventWire): string {
  switch (event.kind) {
    case 'state-change':
      return `circuit ${event.to ?? ''}`;
    case 'rate-limited':
      return 'cool-down';
    case 'rate-limit-ended':
      return 'cool-down over';
    case 'benched':
      return 'benched';
    case 'unbenched':
      return 'unbenched';
    case 'deprioritized':
      return 'demoted';
    case 'reprioritized':
      return 'restored';
  }
}
