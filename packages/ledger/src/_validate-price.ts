import { LedgerError } from './ledger-error.js';
import type { Price, PriceTable, PriceTableEntry, PriceTier } from './price.js';

/** The keys of a {@link Price}, in the order the README and reports use. */
export const priceFields = ['input', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead', 'output'] as const;

const priceFieldSet: ReadonlySet<string> = new Set(priceFields);
const entryFields: ReadonlySet<string> = new Set(['family', 'pattern', 'price', 'tier']);
const tierFields: ReadonlySet<string> = new Set(['promptTokensAbove', 'price']);

function invalid(path: string, problem: string): LedgerError {
  return new LedgerError('CCB_LEDGER_INVALID_PRICES', `Invalid prices at ${path}: ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      throw invalid(`${path}.${key}`, `unknown key; expected one of ${[...allowed].join(', ')}`);
    }
  }
}

function checkAmount(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(path, `expected a finite number ≥ 0 (USD per million tokens), got ${String(value)}`);
  }
  return value;
}

/** Validates a full price and returns a frozen copy. */
export function validatePrice(value: unknown, path: string): Price {
  if (!isRecord(value))
    throw invalid(path, 'expected an object with input, cacheWrite5m, cacheWrite1h, cacheRead, output');
  rejectUnknownKeys(value, priceFieldSet, path);
  for (const field of priceFields) {
    if (value[field] === undefined) throw invalid(`${path}.${field}`, 'missing');
  }
  return Object.freeze({
    input: checkAmount(value.input, `${path}.input`),
    cacheWrite5m: checkAmount(value.cacheWrite5m, `${path}.cacheWrite5m`),
    cacheWrite1h: checkAmount(value.cacheWrite1h, `${path}.cacheWrite1h`),
    cacheRead: checkAmount(value.cacheRead, `${path}.cacheRead`),
    output: checkAmount(value.output, `${path}.output`),
  });
}

/** Validates a partial price (a provider override) and returns a frozen copy without absent fields. */
export function validatePartialPrice(value: unknown, path: string): Partial<Price> {
  if (!isRecord(value))
    throw invalid(path, `expected 'free' or an object with some of ${priceFields.join(', ')}`);
  rejectUnknownKeys(value, priceFieldSet, path);
  const partial: Partial<Record<(typeof priceFields)[number], number>> = {};
  for (const field of priceFields) {
    if (value[field] !== undefined) partial[field] = checkAmount(value[field], `${path}.${field}`);
  }
  return Object.freeze(partial);
}

function validateTier(value: unknown, path: string): PriceTier {
  if (!isRecord(value)) throw invalid(path, 'expected an object with promptTokensAbove and price');
  rejectUnknownKeys(value, tierFields, path);
  const threshold = value.promptTokensAbove;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) {
    throw invalid(`${path}.promptTokensAbove`, `expected a token count ≥ 0, got ${String(threshold)}`);
  }
  return Object.freeze({ promptTokensAbove: threshold, price: validatePrice(value.price, `${path}.price`) });
}

/** Validates a whole price table (e.g. loaded from a file) and returns a frozen copy. */
export function validatePriceTable(value: unknown, path = 'table'): PriceTable {
  if (!Array.isArray(value))
    throw invalid(path, 'expected a list of { family | pattern, price, tier? } entries');
  return Object.freeze(
    value.map((entry: unknown, index): PriceTableEntry => {
      const entryPath = `${path}[${index}]`;
      if (!isRecord(entry)) throw invalid(entryPath, 'expected an object with family or pattern, and price');
      rejectUnknownKeys(entry, entryFields, entryPath);
      const { family, pattern } = entry;
      if ((family === undefined) === (pattern === undefined)) {
        throw invalid(entryPath, 'give exactly one of family and pattern');
      }
      const matcher = family ?? pattern;
      if (typeof matcher !== 'string' || matcher === '') {
        throw invalid(
          `${entryPath}.${family === undefined ? 'pattern' : 'family'}`,
          'expected a non-empty string',
        );
      }
      const price = validatePrice(entry.price, `${entryPath}.price`);
      const tier = entry.tier === undefined ? undefined : validateTier(entry.tier, `${entryPath}.tier`);
      return Object.freeze({
        ...(family === undefined ? { pattern: matcher } : { family: matcher.toLowerCase() }),
        price,
        ...(tier === undefined ? {} : { tier }),
      });
    }),
  );
}
