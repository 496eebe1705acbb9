import type { AttemptRecord, RequestRecord, Usage } from '@ccb/protocol';
import { describe, expect, it } from 'vitest';
import { randoms } from '../test/_randoms.js';
import { attemptRecord, requestRecord } from '../test/_records.js';
import { requestLogFields } from './request-log-fields.js';
import { requestLogLine } from './request-log-line.js';

/** The line as it was made before it was written by hand: the fields object, with pino's three, in one stringify. */
function stringifiedLine(
  record: RequestRecord,
  level: string,
  time: string,
  headers: boolean,
  cost?: number,
) {
  return JSON.stringify({ level, time, ...requestLogFields(record, headers, cost), msg: 'request' });
}

const awkwardStrings = [
  '',
  'plain',
  'a "quoted" \\ back\\slash',
  'line\nbreak\ttab\r\u0000\u001f\u007f',
  'ünïcødé ✓ 🚀',
  'lone \ud800 surrogate \udc00',
  'separators \u2028 \u2029',
  '</script>',
];

function recordsFrom(seed: number, count: number): Array<[RequestRecord, boolean, number | undefined]> {
  const next = randoms(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const maybe = <T>(value: T): T | undefined => (next() < 0.5 ? value : undefined);
  const text = () => pick(awkwardStrings);
  const number = () =>
    pick([0, -0, 1, 2.675, 0.005, 123.456, 1e-7, 1e15 + 0.3, Number.NaN, Number.POSITIVE_INFINITY, -8.15]) *
    (next() < 0.5 ? 1 : next() * 1e4);
  const count2 = () => pick([0, 1, 42, 1_000_000, 2.5, Number.NaN]);
  const usage = (): Usage => ({
    inputTokens: count2(),
    outputTokens: count2(),
    cacheCreationInputTokens: count2(),
    cacheReadInputTokens: count2(),
    ...(next() < 0.5 ? { cacheCreation5mInputTokens: count2() } : {}),
    ...(next() < 0.5 ? { cacheCreation1hInputTokens: count2() } : {}),
    ...(next() < 0.5 ? { outputEstimated: next() < 0.5 } : {}),
  });
  const attempt = (): AttemptRecord =>
    attemptRecord({
      provider: text(),
      result: pick(['success', 'failure', 'client_error'] as const),
      status: maybe(pick([200, 429, 529])),
      failure: maybe('timeout' as const),
      errorType: maybe(text()),
      reason: maybe(text()),
      detail: maybe(text()),
      durationInMs: number(),
      headers: maybe({ 'request-id': text(), 'x-secret': text(), 'set-cookie': [text(), text()] }),
      sessionRepair: maybe({
        domain: text(),
        thinkingRemoved: count2(),
        redactedThinkingRemoved: count2(),
        messagesRemoved: count2(),
        toolIdsRewritten: count2(),
        thinkingDisabled: next() < 0.5,
      }),
    });
  const records: Array<[RequestRecord, boolean, number | undefined]> = [];
  for (let index = 0; index < count; index++) {
    const model = maybe(text());
    records.push([
      requestRecord({
        requestId: text(),
        method: text(),
        path: text(),
        model,
        modelSent: pick([model, undefined, text()]),
        sessionKey: maybe(text()),
        rule: maybe(text()),
        affinity: next() < 0.5,
        crossesDomain: pick([true, false, undefined]),
        dedup: pick(['joined', 'cached', undefined] as const),
        stream: next() < 0.5,
        status: pick([200, 400, 529]),
        provider: maybe(text()),
        outcome: pick(['ok', 'failed_over', 'error', 'cancelled'] as const),
        attempts: Array.from({ length: Math.floor(next() * 4) }, attempt),
        usage: maybe(usage()),
        clientKeyId: pick([undefined, '', text()]),
        upstreamRequestId: maybe(text()),
        durationInMs: number(),
        overheadInMs: number(),
        timeToFirstByteInMs: maybe(number()),
        bytesIn: count2(),
        bytesOut: count2(),
      }),
      next() < 0.5,
      maybe(number()),
    ]);
  }
  return records;
}

describe('requestLogLine', () => {
  it('writes the same line as stringifying the fields, for records of every shape', () => {
    const differing = recordsFrom(7, 5_000).filter(
      ([record, headers, cost]) =>
        requestLogLine(record, 'info', '2026-12-07T11:12:13.456Z', headers, cost) !==
        stringifiedLine(record, 'info', '2026-12-07T11:12:13.456Z', headers, cost),
    );
    expect(differing).toEqual([]);
  });

  it('writes every field requestLogFields has, nested ones too, in its order, for a record that sets them all', () => {
    const record = requestRecord({
      modelSent: 'claude-sonnet-4-5',
      sessionKey: 'session-1',
      rule: 'by-model',
      affinity: true,
      crossesDomain: true,
      dedup: 'joined',
      usage: {
        inputTokens: 1,
        outputTokens: 2,
        cacheCreationInputTokens: 3,
        cacheReadInputTokens: 4,
        cacheCreation5mInputTokens: 1,
        cacheCreation1hInputTokens: 2,
        outputEstimated: true,
      },
      attempts: [
        attemptRecord({
          result: 'failure',
          status: 529,
          failure: 'status',
          errorType: 'overloaded_error',
          reason: 'overloaded',
          detail: 'upstream said so',
          headers: { 'request-id': 'req_1' },
          sessionRepair: {
            domain: 'vertex',
            thinkingRemoved: 1,
            redactedThinkingRemoved: 0,
            messagesRemoved: 0,
            toolIdsRewritten: 2,
            thinkingDisabled: false,
          },
        }),
      ],
    });
    // The fields object holds every key, undefined ones too: a field added there and not to the line fails here.
    const fields = requestLogFields(record, true, 0.5);
    const line = JSON.parse(requestLogLine(record, 'info', '2026-12-07T11:12:13.456Z', true, 0.5));
    expect(Object.keys(line)).toEqual(['level', 'time', ...Object.keys(fields), 'msg']);
    expect(Object.keys(line.tokens)).toEqual(Object.keys(fields.tokens ?? {}));
    expect(Object.keys(line.attempts[0])).toEqual(Object.keys(fields.attempts[0] ?? {}));
    expect(Object.keys(line.attempts[0].session_repair)).toEqual(
      Object.keys(fields.attempts[0]?.session_repair ?? {}),
    );
  });

  it('puts level and time first and msg last, and parses as the fields', () => {
    const record = requestRecord({ attempts: [attemptRecord({ durationInMs: 3.14209 })] });
    const line = requestLogLine(record, 'warn', '2026-12-07T11:12:13.456Z', false, 0.0123456789);
    expect(
      line.startsWith('{"level":"warn","time":"2026-12-07T11:12:13.456Z","request_id":"ccb_test-1"'),
    ).toBe(true);
    expect(line.endsWith(',"msg":"request"}')).toBe(true);
    const parsed = JSON.parse(line);
    expect(parsed.cost_usd).toBe(0.012346);
    expect(parsed.duration_ms).toBe(123.46);
    expect(parsed.attempts).toEqual([
      { provider: 'alpha', result: 'success', status: 200, duration_ms: 3.14 },
    ]);
  });
});
