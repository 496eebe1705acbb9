import type { RequestRecord } from '@ccb/protocol';

// Control characters in a client-chosen model or path would reach a terminal raw through the pretty output.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching C0/C1 control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing C0/C1 control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/g;
const maxModelLength = 64;

/**
 * The short human line of a request for pretty output, e.g.
 * `✓ 200 POST /v1/messages claude-sonnet-4-6 stream → alpha 123ms in=25 out=15` or, after a failover,
 * `↻ 200 POST /v1/messages claude-sonnet-4-6 → beta 480ms in=25 out=15 (alpha: connect ECONNREFUSED)`.
 * `✓` served first time, `↻` served after failing over, `✗` the client got an error. The query string is dropped.
 */
export function formatRequestLine(record: RequestRecord): string {
  const mark =
    record.outcome === 'ok'
      ? '✓'
      : record.outcome === 'failed_over'
        ? '↻'
        : record.outcome === 'cancelled'
          ? '⊘'
          : '✗';
  const queryStart = record.path.indexOf('?');
  let line = `${mark} ${record.status} ${record.method} ${printable(queryStart === -1 ? record.path : record.path.slice(0, queryStart))}`;
  if (record.model !== undefined) line += ` ${printable(truncate(record.model))}`;
  if (record.stream) line += ' stream';
  if (record.provider !== undefined) line += ` → ${record.provider}`;
  // The session left its thinking-signature domain: worth seeing when its next turns misbehave.
  if (record.crossesDomain === true) line += ' (crossed signature domain)';
  line += ` ${Math.round(record.durationInMs)}ms`;
  const usage = record.usage;
  if (usage !== undefined) {
    line += ` in=${usage.inputTokens} out=${usage.outputTokens}`;
    if (usage.cacheReadInputTokens > 0) line += ` cache_read=${usage.cacheReadInputTokens}`;
    if (usage.cacheCreationInputTokens > 0) line += ` cache_write=${usage.cacheCreationInputTokens}`;
  }
  let failures = '';
  for (const attempt of record.attempts) {
    if (attempt.result !== 'failure') continue;
    const why = attempt.reason ?? (attempt.status !== undefined ? String(attempt.status) : attempt.failure);
    failures += `${failures === '' ? '' : ', '}${attempt.provider}: ${why ?? 'failed'}`;
  }
  if (failures !== '') line += ` (${printable(failures)})`;
  return line;
}

function truncate(text: string): string {
  return text.length > maxModelLength ? `${text.slice(0, maxModelLength)}…` : text;
}

function printable(text: string): string {
  return controlCharacter.test(text) ? text.replace(controlCharacters, '�') : text;
}
