import { TelemetryError } from './telemetry-error.js';

/** What a scrubbed secret is replaced with. */
export const redactedText = '[redacted]';

/** Anthropic API keys and OAuth tokens (`sk-ant-api03-…`, `sk-ant-oat01-…`), configured or not. */
const anthropicTokenSource = 'sk-ant-[A-Za-z0-9_-]{4,}';

/** Replaces secrets in a serialised log line; returns the line itself when it holds none. */
export type SecretScrubber = (line: string) => string;

/**
 * Builds the value-based scrubber run over every serialised log line: each of `secrets` and every `sk-ant-…`
 * token becomes `[redacted]`, wherever it sits (message, field, nested object, error stack).
 *
 * Secrets are matched in their JSON-escaped form, the form they take inside a JSON line; longer secrets are tried
 * first so one that contains another is removed whole. Empty strings are ignored (they are not secrets and would
 * match everywhere). A secret made only of JSON syntax characters (say, all digits) can also match outside a
 * string and break that line's JSON; it is still removed.
 */
export function createSecretScrubber(secrets: readonly string[] = []): SecretScrubber {
  const escaped = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string') {
      throw new TelemetryError(
        'CCB_TELEMETRY_INVALID_OPTIONS',
        `redactValues must hold strings, got ${typeof secret}; pass every configured key as a string`,
      );
    }
    if (secret !== '') escaped.add(escapeRegExp(JSON.stringify(secret).slice(1, -1)));
  }
  const alternatives = [...escaped].sort((left, right) => right.length - left.length);
  alternatives.push(anthropicTokenSource);
  const pattern = new RegExp(alternatives.join('|'), 'g');
  // With no configured secrets only `sk-ant-` tokens can match: a substring check skips the regex entirely.
  if (escaped.size === 0) {
    return (line) => (line.includes('sk-ant-') ? line.replace(pattern, redactedText) : line);
  }
  return (line) => line.replace(pattern, redactedText);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
