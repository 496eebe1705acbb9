import { readFileSync } from 'node:fs';
import type { Price, PriceTable } from '@ccb/ledger';
import { parse as parseYaml } from 'yaml';
import { CliError } from './cli-error.js';

/** A config price (`providers[].pricing.models`) in the ledger's terms; absent fields keep the table price. */
export function toPrice(price: {
  input?: number | undefined;
  cache_write_5m?: number | undefined;
  cache_write_1h?: number | undefined;
  cache_read?: number | undefined;
  output?: number | undefined;
}): Partial<Price> {
  return {
    ...(price.input !== undefined ? { input: price.input } : {}),
    ...(price.cache_write_5m !== undefined ? { cacheWrite5m: price.cache_write_5m } : {}),
    ...(price.cache_write_1h !== undefined ? { cacheWrite1h: price.cache_write_1h } : {}),
    ...(price.cache_read !== undefined ? { cacheRead: price.cache_read } : {}),
    ...(price.output !== undefined ? { output: price.output } : {}),
  };
}

/** The price table of `pricing.file` (YAML or JSON), or one clear error naming the file. */
export function readPriceTable(path: string): PriceTable {
  try {
    return parseYaml(readFileSync(path, 'utf8')) as PriceTable;
  } catch (error) {
    throw new CliError(`pricing.file: cannot read ${path}: ${(error as Error).message}`);
  }
}
