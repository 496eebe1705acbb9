import { describe, expect, it } from 'vitest';
import { attemptRecord, requestRecord } from '../test/_records.js';
import { formatRequestLine } from './format-request-line.js';

describe('formatRequestLine', () => {
  it('says when the serving provider got a repaired session history', () => {
    const sessionRepair = {
      domain: 'anthropic',
      thinkingRemoved: 3,
      redactedThinkingRemoved: 1,
      messagesRemoved: 0,
      toolIdsRewritten: 1,
      thinkingDisabled: true,
    };
    const line = formatRequestLine(requestRecord({ attempts: [attemptRecord({ sessionRepair })] }));
    expect(line).toMatch(
      / \[session repaired for anthropic: 4 thinking removed, 1 tool id rewritten, thinking off\]$/,
    );
    expect(formatRequestLine(requestRecord())).not.toContain('session repaired');
  });

  it('writes a first-try success as one short line', () => {
    expect(formatRequestLine(requestRecord())).toBe(
      '✓ 200 POST /v1/messages claude-sonnet-4-6 stream → alpha 123ms in=25 out=15',
    );
  });

  it('says when the provider chosen crossed the session’s signature domain', () => {
    expect(formatRequestLine(requestRecord({ crossesDomain: true }))).toBe(
      '✓ 200 POST /v1/messages claude-sonnet-4-6 stream → alpha (crossed signature domain) 123ms in=25 out=15',
    );
  });

  it('shows the providers it failed over from and why', () => {
    const record = requestRecord({
      provider: 'beta',
      outcome: 'failed_over',
      stream: false,
      usage: { inputTokens: 1, outputTokens: 2, cacheCreationInputTokens: 30, cacheReadInputTokens: 400 },
      attempts: [
        attemptRecord({
          result: 'failure',
          failure: 'connect',
          status: undefined,
          reason: 'connect ECONNREFUSED',
        }),
        attemptRecord({ provider: 'gamma', result: 'failure', failure: 'status', status: 529 }),
        attemptRecord({ provider: 'beta' }),
      ],
    });
    expect(formatRequestLine(record)).toBe(
      '↻ 200 POST /v1/messages claude-sonnet-4-6 → beta 123ms in=1 out=2 cache_read=400 cache_write=30 (alpha: connect ECONNREFUSED, gamma: 529)',
    );
  });

  it('marks a request that ended in an error', () => {
    const record = requestRecord({
      status: 502,
      provider: undefined,
      outcome: 'error',
      usage: undefined,
      durationInMs: 30_000.4,
      attempts: [attemptRecord({ result: 'failure', failure: 'timeout', status: undefined })],
    });
    expect(formatRequestLine(record)).toBe(
      '✗ 502 POST /v1/messages claude-sonnet-4-6 stream 30000ms (alpha: timeout)',
    );
  });

  it('neutralises control characters and truncates a client-chosen model', () => {
    const record = requestRecord({ model: `evil\u001b[2J${'x'.repeat(100)}`, usage: undefined });
    const line = formatRequestLine(record);
    expect(line).not.toContain('\u001b');
    expect(line).toContain('evil�[2J');
    expect(line).toContain('…');
    expect(line.length).toBeLessThan(130);
  });
});
