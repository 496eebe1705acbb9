import type { AttemptRecord, RequestRecord } from '@ccb/protocol';
import { summarizeHeaders } from './_header-summary.js';
import { jsonHundredths, jsonMillionths, jsonNumber } from './_json-number.js';

/**
 * The whole JSON request line, without its newline: pino's `level` and `time` first, the fields of
 * {@link requestLogFields} in their order, `msg: "request"` last. It is exactly
 * `JSON.stringify({ level, time, ...requestLogFields(record, includeHeaders, costUsd), msg: 'request' })`, written
 * by hand: the hottest log call makes no fields object and writes its fractional numbers by integer arithmetic
 * (`_json-number.ts`). Timed in the process, this made a line in 3.4 µs against 5.6 (docs/performance.md item 41).
 * Strings go through `JSON.stringify`, so their escaping is the engine's. A field added to
 * {@link requestLogFields} must be added here too: the test compares the two on records of every shape.
 */
export function requestLogLine(
  record: RequestRecord,
  level: string,
  time: string,
  includeHeaders: boolean,
  costUsd: number | undefined,
): string {
  const s = JSON.stringify;
  let line = `{"level":${s(level)},"time":${s(time)},"request_id":${s(record.requestId)},"method":${s(record.method)},"path":${s(record.path)}`;
  const model = record.model;
  if (model !== undefined) line += `,"model":${s(model)}`;
  const modelSent = record.modelSent;
  if (modelSent !== model && modelSent !== undefined) line += `,"model_sent":${s(modelSent)}`;
  if (record.sessionKey !== undefined) line += `,"session_id":${s(record.sessionKey)}`;
  if (record.rule !== undefined) line += `,"rule":${s(record.rule)}`;
  if (record.affinity === true) line += ',"affinity":true';
  if (record.crossesDomain === true) line += ',"crosses_domain":true';
  if (record.dedup !== undefined) line += `,"dedup":${s(record.dedup)}`;
  if (costUsd !== undefined) line += `,"cost_usd":${jsonMillionths(costUsd)}`;
  line += `,"stream":${record.stream ? 'true' : 'false'},"status":${jsonNumber(record.status)}`;
  if (record.provider !== undefined) line += `,"provider":${s(record.provider)}`;
  line += `,"outcome":${s(record.outcome)},"attempts":[`;
  const attempts = record.attempts;
  for (let index = 0; index < attempts.length; index++) {
    if (index > 0) line += ',';
    line += attemptJson(attempts[index] as AttemptRecord, includeHeaders);
  }
  line += `],"duration_ms":${jsonHundredths(record.durationInMs)}`;
  if (record.timeToFirstByteInMs !== undefined)
    line += `,"ttfb_ms":${jsonHundredths(record.timeToFirstByteInMs)}`;
  if (record.overheadInMs !== undefined) line += `,"overhead_ms":${jsonHundredths(record.overheadInMs)}`;
  const usage = record.usage;
  if (usage !== undefined) {
    line += `,"tokens":{"input":${jsonNumber(usage.inputTokens)},"output":${jsonNumber(usage.outputTokens)},"cache_creation":${jsonNumber(usage.cacheCreationInputTokens)},"cache_read":${jsonNumber(usage.cacheReadInputTokens)}`;
    if (usage.cacheCreation5mInputTokens !== undefined) {
      line += `,"cache_creation_5m":${jsonNumber(usage.cacheCreation5mInputTokens)}`;
    }
    if (usage.cacheCreation1hInputTokens !== undefined) {
      line += `,"cache_creation_1h":${jsonNumber(usage.cacheCreation1hInputTokens)}`;
    }
    line += usage.outputEstimated === true ? ',"output_estimated":true}' : '}';
  }
  line += `,"bytes_in":${jsonNumber(record.bytesIn)},"bytes_out":${jsonNumber(record.bytesOut)}`;
  // The proxy records "" when client auth is off: leave the field out rather than log an empty id.
  if (record.clientKeyId !== undefined && record.clientKeyId !== '') {
    line += `,"client_key_id":${s(record.clientKeyId)}`;
  }
  if (record.upstreamRequestId !== undefined) line += `,"upstream_request_id":${s(record.upstreamRequestId)}`;
  return `${line},"msg":"request"}`;
}

function attemptJson(attempt: AttemptRecord, includeHeaders: boolean): string {
  const s = JSON.stringify;
  let json = `{"provider":${s(attempt.provider)},"result":${s(attempt.result)}`;
  if (attempt.status !== undefined) json += `,"status":${jsonNumber(attempt.status)}`;
  if (attempt.failure !== undefined) json += `,"failure":${s(attempt.failure)}`;
  if (attempt.errorType !== undefined) json += `,"error_type":${s(attempt.errorType)}`;
  if (attempt.reason !== undefined) json += `,"reason":${s(attempt.reason)}`;
  if (attempt.detail !== undefined) json += `,"detail":${s(attempt.detail)}`;
  json += `,"duration_ms":${jsonHundredths(attempt.durationInMs)}`;
  const repair = attempt.sessionRepair;
  if (repair !== undefined) {
    json += `,"session_repair":{"domain":${s(repair.domain)},"thinking_removed":${jsonNumber(repair.thinkingRemoved)},"redacted_thinking_removed":${jsonNumber(repair.redactedThinkingRemoved)},"messages_removed":${jsonNumber(repair.messagesRemoved)},"tool_ids_rewritten":${jsonNumber(repair.toolIdsRewritten)},"thinking_disabled":${repair.thinkingDisabled ? 'true' : 'false'}}`;
  }
  if (includeHeaders && attempt.headers !== undefined)
    json += `,"headers":${s(summarizeHeaders(attempt.headers))}`;
  return `${json}}`;
}
