import type { Metric, Registry } from 'prom-client';

/** Label values by label name. */
type Labels = Readonly<Record<string, string>>;

/** One labelled histogram: counts per bucket (not cumulative), their sum and count. */
export interface HistogramCell {
  readonly labels: Labels;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** Options of {@link HistogramSeries}. */
export interface HistogramSeriesOptions {
  readonly name: string;
  readonly help: string;
  /** Upper bounds, ascending; `+Inf` is implied. */
  readonly buckets: readonly number[];
}

/** One value of a metric as prom-client's registry renders it. */
interface MetricValue {
  readonly metricName: string;
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

/**
 * A histogram observed with a bucket search and three additions, published through prom-client's registry in
 * the same shape as its `Histogram`. prom-client's own `observe` validates and hashes the label object, and
 * allocates, on every call: three of those per request were the largest part of the metrics' cost. The caller
 * keeps cells (one per label set, e.g. in a `Series`), so the hot path never looks labels up by string.
 */
export class HistogramSeries {
  readonly #bounds: Float64Array;
  readonly #cells: HistogramCell[] = [];

  constructor(registry: Registry, options: HistogramSeriesOptions) {
    this.#bounds = Float64Array.from(options.buckets);
    const cells = this.#cells;
    const bounds = this.#bounds;
    const name = options.name;
    // The registry reads `name`, `help`, `type`, `aggregator`, `get()` and `reset()`, as it does of its own metrics.
    const metric = {
      name,
      help: options.help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({
        name,
        help: options.help,
        type: 'histogram',
        aggregator: 'sum',
        values: cells.flatMap((cell) => exposition(name, bounds, cell)),
      }),
      reset: () => {
        for (const cell of cells) {
          cell.counts.fill(0);
          cell.sum = 0;
          cell.count = 0;
        }
      },
    };
    registry.registerMetric(metric as unknown as Metric);
  }

  /** A new cell for these labels, published from now on (with zero counts until observed). */
  cell(labels: Labels): HistogramCell {
    const cell: HistogramCell = {
      labels,
      counts: new Float64Array(this.#bounds.length + 1),
      sum: 0,
      count: 0,
    };
    this.#cells.push(cell);
    return cell;
  }

  /** Adds one observation to `cell`; values that are negative, NaN or infinite are ignored. */
  observe(cell: HistogramCell, value: number): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) return;
    const bounds = this.#bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    (cell.counts as Float64Array)[index] = (cell.counts[index] as number) + 1;
    cell.sum += value;
    cell.count += 1;
  }
}

function exposition(name: string, bounds: Float64Array, cell: HistogramCell): MetricValue[] {
  const values: MetricValue[] = [];
  let cumulative = 0;
  for (let index = 0; index < bounds.length; index++) {
    cumulative += cell.counts[index] as number;
    values.push({
      metricName: `${name}_bucket`,
      labels: { le: bounds[index] as number, ...cell.labels },
      value: cumulative,
    });
  }
  values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...cell.labels }, value: cell.count });
  values.push({ metricName: `${name}_sum`, labels: { ...cell.labels }, value: cell.sum });
  values.push({ metricName: `${name}_count`, labels: { ...cell.labels }, value: cell.count });
  return values;
}
