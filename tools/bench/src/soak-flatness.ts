/** One reading of a process's resident set during the soak. */
export interface RssSample {
  /** Time since the load started, in ms. */
  readonly atInMs: number;
  readonly rssInBytes: number;
}

/** How flat a process's RSS stayed after warm-up (see {@link evaluateSoakFlatness}). */
export interface SoakFlatness {
  /** Samples taken after warm-up: the ones the figures below come from. */
  readonly samples: number;
  /** When warm-up ended, in ms since the load started. */
  readonly warmupEndsAtInMs: number;
  /** Least-squares slope of RSS over the post-warm-up samples, in bytes per minute; NaN with fewer than 2. */
  readonly slopeInBytesPerMinute: number;
  /** The slope times the post-warm-up span: how much the fitted line rose after warm-up, in bytes. */
  readonly fittedGrowthInBytes: number;
  /**
   * Mean RSS of the last {@link edgeSamples} samples minus that of the first ones after warm-up, in bytes: the rise
   * the fit could smooth over (a step near the end). Averaging a few samples keeps one GC's sawtooth from deciding it.
   */
  readonly endGrowthInBytes: number;
  /** Lowest and highest RSS after warm-up, in bytes. */
  readonly minRssInBytes: number;
  readonly maxRssInBytes: number;
}

/** Samples averaged at each end for {@link SoakFlatness.endGrowthInBytes}. */
export const edgeSamples = 3;

/** The slope of the least-squares line through `points` (y per unit of x); NaN with fewer than two distinct x. */
export function leastSquaresSlope(points: readonly { readonly x: number; readonly y: number }[]): number {
  const count = points.length;
  if (count < 2) return Number.NaN;
  let sumX = 0;
  let sumY = 0;
  for (const point of points) {
    sumX += point.x;
    sumY += point.y;
  }
  const meanX = sumX / count;
  const meanY = sumY / count;
  let covariance = 0;
  let varianceX = 0;
  for (const point of points) {
    covariance += (point.x - meanX) * (point.y - meanY);
    varianceX += (point.x - meanX) ** 2;
  }
  return varianceX === 0 ? Number.NaN : covariance / varianceX;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * The figures of RSS after warm-up: samples before `warmupEndsAtInMs` are left out (heaps, pools and caches size
 * themselves then), and the rest is fitted with a least-squares line. A leak shows as a slope that does not
 * return to zero; a sawtooth of collections averages out in the fit and in the end means.
 */
export function evaluateSoakFlatness(samples: readonly RssSample[], warmupEndsAtInMs: number): SoakFlatness {
  const after = samples.filter(
    (sample) => sample.atInMs >= warmupEndsAtInMs && Number.isFinite(sample.rssInBytes),
  );
  const slopePerMs = leastSquaresSlope(after.map((sample) => ({ x: sample.atInMs, y: sample.rssInBytes })));
  const span = after.length < 2 ? 0 : (after.at(-1)?.atInMs ?? 0) - (after[0]?.atInMs ?? 0);
  const edge = Math.min(edgeSamples, Math.floor(after.length / 2));
  const rss = after.map((sample) => sample.rssInBytes);
  return {
    samples: after.length,
    warmupEndsAtInMs,
    slopeInBytesPerMinute: slopePerMs * 60_000,
    fittedGrowthInBytes: slopePerMs * span,
    endGrowthInBytes: edge === 0 ? Number.NaN : mean(rss.slice(-edge)) - mean(rss.slice(0, edge)),
    minRssInBytes: rss.length === 0 ? Number.NaN : Math.min(...rss),
    maxRssInBytes: rss.length === 0 ? Number.NaN : Math.max(...rss),
  };
}
