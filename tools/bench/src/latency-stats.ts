/** Collects numeric samples (latencies in ms) into one growing typed array, up to a fixed capacity. */
export interface SampleRecorder {
  /** Records one sample; past `capacity` it only counts it in `dropped`. */
  add(value: number): void;
  /** Samples recorded so far. */
  readonly count: number;
  /** Samples not recorded because the recorder was full. */
  readonly dropped: number;
  /** A view of the recorded samples, in recording order (not a copy: do not keep it across `add`). */
  values(): Float64Array;
}

/** Default sample capacity: 4 Mi samples (32 MiB), more than a few seconds at any loopback rate. */
export const defaultSampleCapacity = 4 * 1024 * 1024;
const initialSampleCapacity = 4096;

/**
 * Creates a {@link SampleRecorder}. Storage starts small and doubles, so a run at 10 k requests/s does
 * not allocate per sample.
 */
export function createSampleRecorder(capacity = defaultSampleCapacity): SampleRecorder {
  let buffer = new Float64Array(Math.min(initialSampleCapacity, capacity));
  let count = 0;
  let dropped = 0;
  return {
    add(value) {
      if (count === buffer.length) {
        if (count >= capacity) {
          dropped++;
          return;
        }
        const grown = new Float64Array(Math.min(buffer.length * 2, capacity));
        grown.set(buffer);
        buffer = grown;
      }
      buffer[count++] = value;
    },
    get count() {
      return count;
    },
    get dropped() {
      return dropped;
    },
    values() {
      return buffer.subarray(0, count);
    },
  };
}

/**
 * The nearest-rank percentile of ascending `sorted` samples: the smallest sample such that at least
 * `fraction` of all samples are ≤ it. `fraction` is 0..1; NaN for no samples.
 */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  const index = Math.min(Math.max(rank - 1, 0), sorted.length - 1);
  return sorted[index] as number;
}

/** Summary of a sample set; every value in the samples' unit (ms), NaN when there are none. */
export interface SampleSummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** Summarises samples in any order (sorts a copy; the input is left as is). */
export function summarizeSamples(samples: ArrayLike<number>): SampleSummary {
  const sorted = Float64Array.from(samples).sort();
  let total = 0;
  for (const value of sorted) total += value;
  const count = sorted.length;
  return {
    count,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    mean: count === 0 ? Number.NaN : total / count,
    max: count === 0 ? Number.NaN : (sorted[count - 1] as number),
  };
}
