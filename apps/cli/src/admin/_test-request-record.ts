import type { RequestRecord } from '@ccb/proxy';

/** A finished request, as the proxy reports it. */
export function requestRecord(change: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'req_1',
    method: 'POST',
    path: '/v1/messages',
    api: 'messages',
    model: 'claude-sonnet-4-5',
    modelSent: 'claude-sonnet-4-5',
    sessionKey: undefined,
    rule: undefined,
    affinity: false,
    stream: false,
    status: 200,
    provider: 'alpha',
    outcome: 'ok',
    attempts: [{ provider: 'alpha', result: 'success', status: 200, durationInMs: 10 }],
    usage: { inputTokens: 100, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 300 },
    clientKeyId: undefined,
    upstreamRequestId: undefined,
    startedAt: 0,
    durationInMs: 12,
    overheadInMs: 0.5,
    timeToFirstByteInMs: 11,
    bytesIn: 100,
    bytesOut: 200,
    ...change,
  } as RequestRecord;
}
