import type { SharedEntry } from './_shared-entry.js';
import type { HealthRecordShape } from './health-record-shape.js';

/**
 * The parts of a provider's health that are shared, each replicated on its own so that one instance's news about
 * one part (a fresh rate-limit reading) never overwrites another instance's news about another (a cool-down):
 * - `circuit`: open (with its end, reason and back-off) or closed. Half-open is each instance's own step after an
 *   open period ends, never shared; a close after recovery and a re-open after a failed trial are.
 * - `cooldown`: `rateLimitedUntil` and its class. Its expiry is not news: every instance sees the same deadline.
 * - `readings`: rate-limit budgets, unified windows and the de-prioritization they lead to.
 * Failure counters, the failure window, the trial slot, the last error and the last success stay per instance.
 */
export type VerdictGroup = 'circuit' | 'cooldown' | 'readings';

export const verdictGroups: readonly VerdictGroup[] = ['circuit', 'cooldown', 'readings'];

/** What a group would write for `record` now: its period's end and payload, or `undefined` for "nothing to say". */
export function verdictOf(
  group: VerdictGroup,
  record: HealthRecordShape,
  known: SharedEntry | undefined,
  nowInMs: number,
): { until: number | null; payload: string } | undefined {
  switch (group) {
    case 'circuit': {
      if (record.circuit === 'half-open') return undefined;
      const open = record.circuit === 'open';
      // The common case, a provider whose circuit never opened anywhere: decided before any payload is made.
      if (known === undefined && !open) return undefined;
      const payload = JSON.stringify({
        c: open ? 'open' : 'closed',
        u: open ? record.openUntil : null,
        r: open ? record.openReason : null,
        d: record.cooldownInMs,
      });
      return { until: open ? record.openUntil : null, payload };
    }
    case 'cooldown': {
      const until = record.rateLimitedUntil;
      if (until === null && (known === undefined || (known.until !== null && known.until <= nowInMs))) {
        return undefined;
      }
      return { until, payload: JSON.stringify({ u: until, c: record.rateLimitClass }) };
    }
    case 'readings': {
      if (known === undefined && record.unified === null && record.deprioritizedUntil === null) {
        const budget = record.budget as Record<string, unknown> | null;
        if (budget === null || Object.values(budget).every((value) => value === null)) return undefined;
      }
      const payload = JSON.stringify({
        b: record.budget,
        w: record.unified,
        u: record.deprioritizedUntil,
        r: record.deprioritizedReason,
      });
      return { until: null, payload };
    }
  }
}

/**
 * Puts a peer's verdict into the local record; returns whether it changed anything. A period that is already over
 * (an old open circuit or cool-down loaded on connect) is left out: it would only send this instance through a
 * half-open trial, or log the end of a cool-down it never had.
 */
export function applyVerdict(
  group: VerdictGroup,
  record: HealthRecordShape,
  payload: string,
  nowInMs: number,
): boolean {
  const value = JSON.parse(payload) as Record<string, unknown>;
  if (group !== 'readings' && typeof value.u === 'number' && value.u <= nowInMs) return false;
  switch (group) {
    case 'circuit':
      if (value.c === 'closed') {
        if (record.circuit === 'closed') return false;
        // As the tracker's own close: counters restart, so that old failures cannot re-open it at once.
        record.circuit = 'closed';
        record.openUntil = null;
        record.openReason = null;
        record.cooldownInMs = 0;
        record.trialStartedAt = null;
        record.consecutiveFailures = 0;
        record.window = [];
        record.windowNext = 0;
        record.windowFailures = 0;
      } else {
        record.circuit = 'open';
        record.openUntil = value.u as number | null;
        record.openReason = value.r as string | null;
        record.cooldownInMs = value.d as number;
        record.trialStartedAt = null;
      }
      return true;
    case 'cooldown':
      record.rateLimitedUntil = value.u as number | null;
      record.rateLimitClass = value.c as string | null;
      return true;
    case 'readings':
      record.budget = value.b;
      record.unified = value.w;
      record.deprioritizedUntil = value.u as number | null;
      record.deprioritizedReason = value.r as string | null;
      return true;
  }
}
