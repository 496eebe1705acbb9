import type { AdminProvider } from '@ccb/admin-api';

/** One reading of a provider's recent traffic. */
export interface ProviderSample {
  readonly latencyP50InMs: number | null;
  readonly latencyP95InMs: number | null;
  readonly errorRate: number;
}

/** The last `capacity` readings of each provider's recent traffic, for its sparklines. */
export class ProviderHistory {
  readonly #capacity: number;
  readonly #samples = new Map<string, ProviderSample[]>();

  constructor(capacity = 60) {
    this.#capacity = capacity;
  }

  add(providers: readonly AdminProvider[]): void {
    const names = new Set(providers.map((provider) => provider.name));
    for (const name of [...this.#samples.keys()]) if (!names.has(name)) this.#samples.delete(name);
    for (const provider of providers) {
      const samples = this.#samples.get(provider.name) ?? [];
      samples.push({
        latencyP50InMs: provider.recent.latency_ms_p50,
        latencyP95InMs: provider.recent.latency_ms_p95,
        errorRate: provider.recent.error_rate,
      });
      if (samples.length > this.#capacity) samples.shift();
      this.#samples.set(provider.name, samples);
    }
  }

  of(name: string): readonly ProviderSample[] {
    return this.#samples.get(name) ?? [];
  }
}
