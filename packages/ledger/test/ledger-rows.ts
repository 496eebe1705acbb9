import type { LedgerRow } from '../src/index.js';

let sequence = 0;

/** A complete ledger row with sensible defaults; override what the test is about. */
export function ledgerRow(overrides: Partial<LedgerRow> = {}): LedgerRow {
  sequence += 1;
  return {
    time: Date.UTC(2026, 10, 29, 12),
    requestId: `req_${sequence}`,
    clientKeyId: 'key-a',
    sessionId: 'session-1',
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
    durationInMs: 1200,
    timeToFirstByteInMs: 300,
    stream: true,
    ...overrides,
  };
}
