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
 * A body repaired for the serving provider's signature domain adds `[session repaired for anthropic: …]`.
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
  const repair = record.attempts.at(-1)?.sessionRepair;
  if (repair !== undefined) line += ` [${describeRepair(repair)}]`;
  return line;
}

/** `session repaired for anthropic: 4 thinking removed, 1 tool id rewritten, thinking off` (docs/session-repair.md). */
function describeRepair(repair: NonNullable<RequestRecord['attempts'][number]['sessionRepair']>): string {
  const changes: string[] = [];
  const thinking = repair.thinkingRemoved + repair.redactedThinkingRemoved;
  if (thinking > 0) changes.push(`${thinking} thinking removed`);
  if (repair.messagesRemoved > 0)
    changes.push(`${repair.messagesRemoved} empty turn${repair.messagesRemoved === 1 ? '' : 's'} removed`);
  if (repair.toolIdsRewritten > 0) {
    changes.push(`${repair.toolIdsRewritten} tool id${repair.toolIdsRewritten === 1 ? '' : 's'} rewritten`);
  }
  if (repair.thinkingDisabled) changes.push('thinking off');
  return `session repaired for ${printable(repair.domain)}: ${changes.join(', ')}`;
}

function truncate(text: string): string {
  return text.length > maxModelLength ? `${text.slice(0, maxModelLength)}…` : text;
}

function printable(text: string): string {
  return controlCharacter.test(text) ? text.replace(controlCharacters, '�') : text;
}
