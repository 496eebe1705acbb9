import type { HealthRecordShape } from '../src/health-record-shape.js';

/**
 * A record as the router's `createHealthRecord` makes one (closed, no history), for this package's tests: the
 * package itself takes its fresh records from the router through the CLI.
 */
export function freshHealthRecord(): HealthRecordShape {
  return {
    circuit: 'closed',
    openUntil: null,
    openReason: null,
    cooldownInMs: 0,
    trialStartedAt: null,
    consecutiveFailures: 0,
    window: [],
    windowNext: 0,
    windowFailures: 0,
    rateLimitedUntil: null,
    rateLimitClass: null,
    lastError: null,
    lastSuccessAt: null,
    budget: { requests: null, tokens: null, inputTokens: null, outputTokens: null },
    unified: null,
    deprioritizedUntil: null,
    deprioritizedReason: null,
  };
}
