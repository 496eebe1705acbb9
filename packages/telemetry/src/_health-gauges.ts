import { Gauge, type Registry } from 'prom-client';
import type { ProviderHealthLike } from './provider-health-like.js';

const circuitStates = ['closed', 'open', 'half_open'] as const;

/** Options of {@link registerHealthGauges}. */
export interface HealthGaugesOptions {
  readonly registry: Registry;
  readonly prefix: string;
  readonly healthSnapshot: () => readonly ProviderHealthLike[];
  /** ms epoch; decides whether a cool-down is still in force. */
  readonly now: () => number;
}

/**
 * Registers the provider health gauges, filled from one `healthSnapshot()` call per scrape. Every gauge's
 * `collect` asks for a refresh; the first one in a scrape does it and the others reuse it, because prom-client
 * runs all `collect` hooks of one `metrics()` call in the same tick.
 */
export function registerHealthGauges(options: HealthGaugesOptions): void {
  const { registry, prefix, healthSnapshot, now } = options;
  let refreshedThisTick = false;
  const refresh = () => {
    if (refreshedThisTick) return;
    refreshedThisTick = true;
    queueMicrotask(() => {
      refreshedThisTick = false;
    });
    circuit.reset();
    coolingDown.reset();
    remainingRequests.reset();
    remainingTokens.reset();
    unifiedUtilization.reset();
    unifiedReset.reset();
    for (const health of healthSnapshot()) {
      const provider = health.name;
      const state = health.state === 'half-open' ? 'half_open' : health.state;
      for (const candidate of circuitStates)
        circuit.set({ provider, state: candidate }, candidate === state ? 1 : 0);
      const until = health.coolingDownUntil;
      coolingDown.set({ provider }, typeof until === 'number' && until > now() ? 1 : 0);
      const requests = health.remaining?.requests ?? health.budget?.requests?.remaining;
      if (typeof requests === 'number' && Number.isFinite(requests))
        remainingRequests.set({ provider }, requests);
      const tokens = health.remaining?.tokens ?? health.budget?.tokens?.remaining;
      if (typeof tokens === 'number' && Number.isFinite(tokens)) remainingTokens.set({ provider }, tokens);
      const windows = health.unified?.windows;
      if (windows === undefined) continue;
      for (const window of Object.keys(windows)) {
        const reading = windows[window];
        if (reading === undefined) continue;
        if (Number.isFinite(reading.utilization)) {
          unifiedUtilization.set({ provider, window }, reading.utilization as number);
        }
        if (Number.isFinite(reading.resetAt)) {
          unifiedReset.set({ provider, window }, (reading.resetAt as number) / 1000);
        }
      }
    }
  };
  const circuit = new Gauge({
    name: `${prefix}provider_circuit_state`,
    help: 'Circuit breaker state per provider: 1 for the current state, 0 for the others.',
    labelNames: ['provider', 'state'],
    registers: [registry],
    collect: refresh,
  });
  const coolingDown = new Gauge({
    name: `${prefix}provider_cooling_down`,
    help: 'Whether the provider is cooling down (rate limited or circuit open): 1 or 0.',
    labelNames: ['provider'],
    registers: [registry],
    collect: refresh,
  });
  const remainingRequests = new Gauge({
    name: `${prefix}provider_remaining_requests`,
    help: 'Remaining request budget the provider last reported (rate-limit headers).',
    labelNames: ['provider'],
    registers: [registry],
    collect: refresh,
  });
  const remainingTokens = new Gauge({
    name: `${prefix}provider_remaining_tokens`,
    help: 'Remaining token budget the provider last reported (rate-limit headers).',
    labelNames: ['provider'],
    registers: [registry],
    collect: refresh,
  });
  const unifiedUtilization = new Gauge({
    name: `${prefix}provider_unified_utilization`,
    help: 'Share of a subscription window (5h, 7d, overage) used, as the upstream last reported it; above 1 when exhausted.',
    labelNames: ['provider', 'window'],
    registers: [registry],
    collect: refresh,
  });
  const unifiedReset = new Gauge({
    name: `${prefix}provider_unified_reset_timestamp_seconds`,
    help: 'When a subscription window (5h, 7d, overage) resets, as the upstream last reported it, in Unix seconds.',
    labelNames: ['provider', 'window'],
    registers: [registry],
    collect: refresh,
  });
}
