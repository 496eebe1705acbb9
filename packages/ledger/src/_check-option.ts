import { LedgerError } from './ledger-error.js';

/** Throws `CCB_LEDGER_INVALID_OPTIONS` unless `value` is a number ≥ `minimum` (finite unless `allowInfinity`). */
export function checkNumberOption(
  where: string,
  name: string,
  value: unknown,
  rules: {
    readonly minimum: number;
    readonly exclusive?: boolean;
    readonly integer?: boolean;
    readonly allowInfinity?: boolean;
  },
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (rules.exclusive === true ? value > rules.minimum : value >= rules.minimum) &&
    (Number.isFinite(value)
      ? rules.integer !== true || Number.isInteger(value)
      : rules.allowInfinity === true);
  if (!ok) {
    const kind = rules.integer === true ? 'an integer' : 'a number';
    const bound = `${rules.exclusive === true ? '>' : '≥'} ${rules.minimum}`;
    throw new LedgerError(
      'CCB_LEDGER_INVALID_OPTIONS',
      `${where}: ${name} must be ${kind} ${bound}${rules.allowInfinity === true ? ' (or Infinity)' : ''}, got ${String(value)}`,
    );
  }
  return value as number;
}
