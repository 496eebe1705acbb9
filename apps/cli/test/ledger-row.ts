import type { LedgerRow } from '@ccb/ledger';

let sequence = 0;

/** A complete ledger row as ccb records one; override what the test is about. */
export function ledgerRow(overrides: Partial<LedgerRow> = {}): LedgerRow {
  sequence += 1;
  return {
    time: Date.now(),
    requestId: `req_test_${sequence}`,
    clientKeyId: '',
    sessionId: null,
    provider: 'anthropic',
    modelRequested: 'claude-sonnet-4-6',
    modelSent: 'claude-sonnet-4-6',
    status: 200,
    attempts: 1,
    inputTokens: 100,
    outputTokens: 50,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    costUsd: 0.01,
    durationInMs: 800,
    timeToFirstByteInMs: 200,
    stream: false,
    ...overrides,
  };
}
