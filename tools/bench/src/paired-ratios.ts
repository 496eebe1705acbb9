import { formatNumber } from './format-table.js';
/**
 * A ratio between two targets computed within each round (the two were measured back to back, so drift
 * in machine load hits both alike), then summarized over the rounds by its median. On a busy machine the
 * same ratio computed from totals over all rounds mixes moments of different speed and swings far more.
 */
export interface PairedRatio {
  /** Median of the finite per-round ratios (mean of the middle two for an even count); NaN when none. */
  readonly median: number;
  /** Smallest and largest finite per-round ratio: how steady the rounds were. NaN when none. */
  readonly min: number;
  readonly max: number;
  /** Rounds with a finite ratio: the N of "median of N paired rounds". */
  readonly pairs: number;
  /** The ratio of each round, in round order; NaN for a round without one (e.g. nothing measured). */
  readonly perRound: readonly number[];
}

/** Median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Summarizes per-round values: rounds whose value is not a finite number (undefined, NaN, ±Infinity,
 * e.g. a division by a round that completed nothing) are kept in `perRound` as NaN and left out of the
 * median, the range and `pairs`.
 */
export function summarizeRounds(perRound: readonly (number | undefined)[]): PairedRatio {
  const values = perRound.map((value) =>
    value !== undefined && Number.isFinite(value) ? value : Number.NaN,
  );
  const finite = values.filter((value) => !Number.isNaN(value));
  return {
    median: median(finite),
    min: finite.length === 0 ? Number.NaN : Math.min(...finite),
    max: finite.length === 0 ? Number.NaN : Math.max(...finite),
    pairs: finite.length,
    perRound: values,
  };
}

/**
 * Pairs round `i` of `numerators` with round `i` of `denominators` (rounds beyond the shorter list are
 * not paired) and summarizes `numerator / denominator` over the rounds.
 */
export function pairedRatio(
  numerators: readonly (number | undefined)[],
  denominators: readonly (number | undefined)[],
): PairedRatio {
  const rounds = Math.min(numerators.length, denominators.length);
  const ratios: (number | undefined)[] = [];
  for (let round = 0; round < rounds; round++) {
    const numerator = numerators[round];
    const denominator = denominators[round];
    ratios.push(numerator === undefined || denominator === undefined ? undefined : numerator / denominator);
  }
  return summarizeRounds(ratios);
}

/** Applies `transform` to every per-round value; median, range and pairs are summarized again from the results. */
export function mapRounds(ratio: PairedRatio, transform: (value: number) => number): PairedRatio {
  return summarizeRounds(ratio.perRound.map(transform));
}

/** "median of N paired round(s)": where a paired ratio came from, for tables and goal lines alike. */
export function roundsPhrase(ratio: PairedRatio): string {
  return `median of ${ratio.pairs} paired round${ratio.pairs === 1 ? '' : 's'}`;
}

/** A ratio as a percentage, `91%`. */
export const percent = (ratio: number): string => `${formatNumber(ratio * 100, 0)}%`;
/** A ratio as a multiple, `1.25×`. */
export const times = (ratio: number): string => `${formatNumber(ratio, 2)}×`;

/** `median of N paired rounds, min–max` (the range left out when nothing was paired). */
export function describePaired(ratio: PairedRatio, format: (value: number) => string): string {
  const rounds = roundsPhrase(ratio);
  return ratio.pairs === 0 ? rounds : `${rounds}, ${format(ratio.min)}–${format(ratio.max)}`;
}

/** A goal line's measured text: the median, then {@link describePaired} and `extra`; `none` when nothing was paired. */
export function pairedMeasured(
  ratio: PairedRatio | undefined,
  format: (value: number) => string,
  options: { readonly extra?: string; readonly none?: string } = {},
): string {
  if (ratio === undefined || ratio.pairs === 0) return options.none ?? 'no paired rounds';
  return `${format(ratio.median)} (${describePaired(ratio, format)}${options.extra ?? ''})`;
}
