import { didYouMean, logFormats, logLevels, parseDuration } from '@ccb/config';
import { usageDimensions } from '@ccb/ledger';
import { usageError } from './cli-error.js';

/**
 * `--port`: a whole number from 0 to 65535 (0 lets the system pick a free port). Digits only, because `Number`
 * would also take `0x1f`, `1e3` and `''` (as 0).
 */
export function parsePortFlag(value: string, flag = '--port'): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port <= 65_535)) {
    throw usageError(`${flag} must be a whole number from 0 to 65535 (0 picks a free port); got "${value}"`);
  }
  return port;
}

/** `--flaky-rate`: a share from 0 to 1, written as a plain decimal (`0.25`, `.5`, `1`). */
export function parseRateFlag(value: string, flag = '--flaky-rate'): number {
  const rate = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (!(rate >= 0 && rate <= 1)) {
    throw usageError(`${flag} must be a number from 0 to 1, such as 0.25; got "${value}"`);
  }
  return rate;
}

function checkOneOf(choices: readonly string[], options: { ignoreCase?: boolean } = {}) {
  return (flag: string, value: string): void => {
    const spelled = options.ignoreCase ? value.toLowerCase() : value;
    if (choices.includes(spelled)) return;
    const suggestion = didYouMean(value, choices);
    throw usageError(
      `${flag} must be one of ${choices.join(', ')}; got "${value}"${suggestion === undefined ? '' : `, did you mean ${suggestion}?`}`,
    );
  };
}

function checkDuration(flag: string, value: string): void {
  if (parseDuration(value) === undefined) {
    throw usageError(`${flag} must be a duration such as 24h, 7d or 30d; got "${value}"`);
  }
}

function checkHttpUrl(flag: string, value: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw usageError(
      `${flag} must be an http:// or https:// URL, such as http://127.0.0.1:8000; got "${value}"`,
    );
  }
}

/**
 * Value checks by flag name. A name means the same in every command that has it (`--port` of `serve` and of
 * `demo`), so one table checks them all, before any command runs: `ccb usage --since nonsense` fails on the
 * flag, not on a missing config found first.
 */
const flagValueChecks: Readonly<Record<string, (flag: string, value: string) => void>> = {
  port: (flag, value) => void parsePortFlag(value, flag),
  'flaky-rate': (flag, value) => void parseRateFlag(value, flag),
  'log-level': checkOneOf(logLevels, { ignoreCase: true }),
  'log-format': checkOneOf(logFormats),
  since: checkDuration,
  by: checkOneOf(usageDimensions),
  url: checkHttpUrl,
};

/**
 * Checks the value of flag `--<name>`; throws a usage error naming the flag, the value and what is expected.
 * Every value must be non-empty (`--config=` is a slip, never a request for the default).
 */
export function checkFlagValue(name: string, value: string): void {
  const flag = `--${name}`;
  if (value === '') throw usageError(`${flag} needs a value; got an empty string`);
  flagValueChecks[name]?.(flag, value);
}
