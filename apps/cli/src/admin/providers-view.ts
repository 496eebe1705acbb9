import type { AdminProvider } from '@ccb/admin-api';
import type { Balancer } from '../balancer.js';
import { providerView } from './provider-view.js';

/** The admin API's view of every configured provider, in configuration order. */
export async function providersView(
  balancer: Balancer,
  nowInMs: number = Date.now(),
): Promise<AdminProvider[]> {
  // Read first: with a Postgres ledger it takes a round trip, and the rest should be as of the answer.
  const spend = await spendToday(balancer, nowInMs);
  const health = new Map(balancer.router.snapshot().map((entry) => [entry.name, entry]));
  return balancer.config.providers.map((provider) => {
    const override = balancer.overrides.of(provider.name);
    return providerView({
      provider,
      override,
      effective: balancer.overrides.effective(provider.name, provider),
      health: health.get(provider.name),
      inFlight: balancer.inFlight.get(provider.name) ?? 0,
      recent: balancer.recent.summary(provider.name, nowInMs),
      spendTodayUsd: spend === undefined ? null : (spend.get(provider.name) ?? 0),
      fingerprint: balancer.keyFingerprint,
    });
  });
}

/** USD per provider since 00:00 UTC, from the ledger (every instance's, with Postgres); `undefined` when off. */
async function spendToday(balancer: Balancer, nowInMs: number): Promise<Map<string, number> | undefined> {
  const ledger = balancer.costs.ledger;
  if (ledger === undefined) return undefined;
  const day = new Date(nowInMs);
  const sinceInMs = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  let rows: Awaited<ReturnType<typeof ledger.query>>;
  try {
    rows = await ledger.query({ sinceInMs, by: 'provider' });
  } catch {
    // A ledger database that is down must not take the provider list with it: spend shows as unknown (null).
    return undefined;
  }
  return new Map(rows.flatMap((row) => (row.key === null ? [] : [[row.key, row.costUsd] as const])));
}
