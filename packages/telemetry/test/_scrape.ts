import type { createMetrics } from '../src/create-metrics.js';
import { parseExposition, type Sample } from './_prometheus-text.js';

/** Renders the metrics and parses the exposition, as one Prometheus scrape would read it. */
export async function scrape(metrics: ReturnType<typeof createMetrics>): Promise<Sample[]> {
  return parseExposition(await metrics.render());
}
