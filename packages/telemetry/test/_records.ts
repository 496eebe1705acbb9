import type { AttemptRecord, RequestRecord } from '@ccb/protocol';

/** A successful streamed request served by `alpha` on the first try; override what a test needs. */
export function requestRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'ccb_test-1',
    method: 'POST',
    path: '/v1/messages?beta=true',
    api: 'messages',
    model: 'claude-sonnet-4-6',
    modelSent: 'claude-sonnet-4-6',
    sessionKey: undefined,
    rule: undefined,
    affinity: false,
    stream: true,
    status: 200,
    provider: 'alpha',
    outcome: 'ok',
    attempts: [attemptRecord()],
    usage: { inputTokens: 25, outputTokens: 15, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
    clientKeyId: 'k_3f9a1c',
    upstreamRequestId: 'req_011',
    startedAt: 1_796_000_000_000,
    durationInMs: 123.456,
    overheadInMs: 0.2,
    timeToFirstByteInMs: 45.5,
    bytesIn: 1000,
    bytesOut: 2000,
    ...overrides,
  };
}

/** A successful attempt to `alpha`. */
export function attemptRecord(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return { provider: 'alpha', result: 'success', status: 200, durationInMs: 120, ...overrides };
}
