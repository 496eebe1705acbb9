import type { AttemptRecord, RequestRecord } from '@ccb/protocol';
import { summarizeHeaders } from './_header-summary.js';
import { roundHundredths, roundMillionths } from './_json-number.js';

/** One attempt in a request log line. */
export interface AttemptLogFields {
  provider: string;
  result: AttemptRecord['result'];
  status: number | undefined;
  failure: string | undefined;
  error_type: string | undefined;
  reason: string | undefined;
  detail: string | undefined;
  duration_ms: number;
  /**
   * What ccb changed in this attempt's body because the session moved to another thinking-signature domain
   * (docs/session-repair.md); absent when it went as the client sent it.
   */
  session_repair: SessionRepairLogFields | undefined;
  /** Debug level only: upstream response headers, values of non-allowlisted names redacted. */
  headers?: Record<string, string>;
}

/** A session repair in a request log line. */
export interface SessionRepairLogFields {
  domain: string;
  thinking_removed: number;
  redacted_thinking_removed: number;
  messages_removed: number;
  tool_ids_rewritten: number;
  thinking_disabled: boolean;
}

/** Token counts in a request log line. */
export interface TokenLogFields {
  input: number;
  output: number;
  cache_creation: number;
  cache_read: number;
  cache_creation_5m: number | undefined;
  cache_creation_1h: number | undefined;
  /** `true` when `output` is ccb's estimate (a stream cancelled or cut before the upstream's final count). */
  output_estimated: true | undefined;
}

/** The fields of one request log line; `undefined` fields are left out of the JSON. */
export interface RequestLogFields {
  request_id: string;
  method: string;
  path: string;
  model: string | undefined;
  model_sent: string | undefined;
  session_id: string | undefined;
  rule: string | undefined;
  affinity: boolean | undefined;
  /** The provider chosen is of another thinking-signature domain than the session's binding (the last resort). */
  crosses_domain: true | undefined;
  /** Answered by another request's upstream call: `joined` in flight, `cached` from a reused answer. */
  dedup: 'joined' | 'cached' | undefined;
  cost_usd: number | undefined;
  stream: boolean;
  status: number;
  provider: string | undefined;
  outcome: RequestRecord['outcome'];
  attempts: AttemptLogFields[];
  duration_ms: number;
  ttfb_ms: number | undefined;
  overhead_ms: number | undefined;
  tokens: TokenLogFields | undefined;
  bytes_in: number;
  bytes_out: number;
  client_key_id: string | undefined;
  upstream_request_id: string | undefined;
}

/**
 * The structured fields of a request's log line: durations in ms rounded to 0.01, token counts, the client key's
 * fingerprint (never the key). `includeHeaders` (debug level) adds each attempt's upstream header summary. Bodies
 * are never included.
 */
export function requestLogFields(
  record: RequestRecord,
  includeHeaders = false,
  costUsd?: number,
): RequestLogFields {
  const usage = record.usage;
  // One literal shape, so the JSON key order is fixed (request-log-line.ts writes the same order by hand).
  return {
    request_id: record.requestId,
    method: record.method,
    path: record.path,
    model: record.model,
    model_sent: record.modelSent !== record.model ? record.modelSent : undefined,
    session_id: record.sessionKey,
    rule: record.rule,
    affinity: record.affinity === true ? true : undefined,
    crosses_domain: record.crossesDomain === true ? true : undefined,
    dedup: record.dedup,
    cost_usd: costUsd === undefined ? undefined : roundMillionths(costUsd),
    stream: record.stream,
    status: record.status,
    provider: record.provider,
    outcome: record.outcome,
    attempts: record.attempts.map((attempt) => attemptLogFields(attempt, includeHeaders)),
    duration_ms: roundHundredths(record.durationInMs),
    ttfb_ms:
      record.timeToFirstByteInMs === undefined ? undefined : roundHundredths(record.timeToFirstByteInMs),
    overhead_ms: record.overheadInMs === undefined ? undefined : roundHundredths(record.overheadInMs),
    tokens:
      usage === undefined
        ? undefined
        : {
            input: usage.inputTokens,
            output: usage.outputTokens,
            cache_creation: usage.cacheCreationInputTokens,
            cache_read: usage.cacheReadInputTokens,
            cache_creation_5m: usage.cacheCreation5mInputTokens,
            cache_creation_1h: usage.cacheCreation1hInputTokens,
            output_estimated: usage.outputEstimated === true ? true : undefined,
          },
    bytes_in: record.bytesIn,
    bytes_out: record.bytesOut,
    // The proxy records "" when client auth is off: leave the field out rather than log an empty id.
    client_key_id: record.clientKeyId === '' ? undefined : record.clientKeyId,
    upstream_request_id: record.upstreamRequestId,
  };
}

function attemptLogFields(attempt: AttemptRecord, includeHeaders: boolean): AttemptLogFields {
  const fields: AttemptLogFields = {
    provider: attempt.provider,
    result: attempt.result,
    status: attempt.status,
    failure: attempt.failure,
    error_type: attempt.errorType,
    reason: attempt.reason,
    detail: attempt.detail,
    duration_ms: roundHundredths(attempt.durationInMs),
    session_repair: sessionRepairFields(attempt.sessionRepair),
  };
  if (includeHeaders && attempt.headers !== undefined) fields.headers = summarizeHeaders(attempt.headers);
  return fields;
}

function sessionRepairFields(repair: AttemptRecord['sessionRepair']): SessionRepairLogFields | undefined {
  if (repair === undefined) return undefined;
  return {
    domain: repair.domain,
    thinking_removed: repair.thinkingRemoved,
    redacted_thinking_removed: repair.redactedThinkingRemoved,
    messages_removed: repair.messagesRemoved,
    tool_ids_rewritten: repair.toolIdsRewritten,
    thinking_disabled: repair.thinkingDisabled,
  };
}
