import { TelemetryError } from './telemetry-error.js';

/** What a scrubbed secret is replaced with. */
export const redactedText = '[redacted]';

/**
 * Configured values shorter than this are not scrubbed. A 1-character test key turned "exiting" into
 * "e[redacted]iting", and a short value matches inside ordinary words, numbers and JSON keys on every line. Nor can
 * it be a real secret: provider keys and tokens run to dozens of characters, and 8 random characters are already
 * far more than anyone uses. Callers warn about such values at startup (naming the field, never the value).
 */
export const minRedactedLength = 8;

/** Anthropic API keys and OAuth tokens (`sk-ant-api03-…`, `sk-ant-oat01-…`), configured or not. */
const anthropicTokenSource = 'sk-ant-[A-Za-z0-9_-]{4,}';

/** Replaces secrets in a serialised log line; returns the line itself when it holds none. */
export type SecretScrubber = (line: string) => string;

/**
 * Builds the value-based scrubber run over every serialised log line: each of `secrets` and every `sk-ant-…`
 * token becomes `[redacted]`, wherever it sits (message, field, nested object, error stack).
 *
 * Secrets are matched in their JSON-escaped form, the form they take inside a JSON line; longer secrets are tried
 * first so one that contains another is removed whole. Values shorter than {@link minRedactedLength} are ignored
 * (they would mangle ordinary words and cannot be real secrets). A secret made only of JSON syntax characters (say, all digits) can also match outside a
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
    if (secret.length >= minRedactedLength) escaped.add(escapeRegExp(JSON.stringify(secret).slice(1, -1)));
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
