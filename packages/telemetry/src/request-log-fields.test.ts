import { describe, expect, it } from 'vitest';
import { attemptRecord, requestRecord } from '../test/_records.js';
import { requestLogFields } from './request-log-fields.js';

describe('requestLogFields', () => {
  it('maps a record to snake_case fields with durations rounded to 0.01 ms', () => {
    const fields = requestLogFields(
      requestRecord({
        usage: {
          inputTokens: 25,
          outputTokens: 15,
          cacheCreationInputTokens: 7,
          cacheReadInputTokens: 100,
          cacheCreation1hInputTokens: 7,
        },
        attempts: [attemptRecord({ durationInMs: 3.14209, errorType: undefined })],
      }),
    );
    expect(JSON.parse(JSON.stringify(fields))).toEqual({
      request_id: 'ccb_test-1',
      method: 'POST',
      path: '/v1/messages?beta=true',
      model: 'claude-sonnet-4-6',
      stream: true,
      status: 200,
      provider: 'alpha',
      outcome: 'ok',
      attempts: [{ provider: 'alpha', result: 'success', status: 200, duration_ms: 3.14 }],
      duration_ms: 123.46,
      ttfb_ms: 45.5,
      overhead_ms: 0.2,
      tokens: { input: 25, output: 15, cache_creation: 7, cache_read: 100, cache_creation_1h: 7 },
      bytes_in: 1000,
      bytes_out: 2000,
      client_key_id: 'k_3f9a1c',
      upstream_request_id: 'req_011',
    });
  });

  it('says when another request’s upstream call answered, and nothing otherwise', () => {
    expect(requestLogFields(requestRecord({ dedup: 'joined', attempts: [] })).dedup).toBe('joined');
    expect(requestLogFields(requestRecord({ dedup: 'cached', attempts: [] })).dedup).toBe('cached');
    expect(requestLogFields(requestRecord({})).dedup).toBeUndefined();
  });

  it('says when the provider chosen crossed the session’s signature domain, and nothing otherwise', () => {
    expect(requestLogFields(requestRecord({ crossesDomain: true })).crosses_domain).toBe(true);
    expect(requestLogFields(requestRecord()).crosses_domain).toBeUndefined();
  });

  it('leaves out an empty client key id', () => {
    expect(requestLogFields(requestRecord({ clientKeyId: '' })).client_key_id).toBeUndefined();
  });

  it('summarises upstream headers only when asked, redacting values outside the allowlist', () => {
    const record = requestRecord({
      attempts: [
        attemptRecord({
          headers: {
            'request-id': 'req_1',
            'anthropic-ratelimit-requests-remaining': '49',
            'set-cookie': ['session=abc', 'other=def'],
            'x-internal-token': 'opaque',
            'content-encoding': undefined,
          },
        }),
      ],
    });
    expect(requestLogFields(record).attempts[0]?.headers).toBeUndefined();
    expect(requestLogFields(record, true).attempts[0]?.headers).toEqual({
      'request-id': 'req_1',
      'anthropic-ratelimit-requests-remaining': '49',
      'set-cookie': '[redacted]',
      'x-internal-token': '[redacted]',
    });
  });
});
