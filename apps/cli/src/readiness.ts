import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OAuthAccountStatus } from '@ccb/providers';
import { discardRequestBody } from '@ccb/proxy';
import type { ProviderHealth } from '@ccb/router';
import type { GoogleTokenStatus } from '@ccb/vertex';
import type { StateStoreReadiness } from './shared-state/shared-state.js';

/**
 * The `/readyz` body: whether any provider is usable or serving (it succeeded after its last error, so requests
 * still go through even while its circuit or cool-down says otherwise), and each provider's state; a subscription
 * account's also says whether its tokens work (`needs_login` after a refused refresh). Holds no credentials.
 */
export function readinessReport(
  snapshot: readonly ProviderHealth[],
  inFlight: ReadonlyMap<string, number>,
  accounts: ReadonlyMap<string, OAuthAccountStatus> = new Map(),
  stateStore?: StateStoreReadiness,
  googleTokens: ReadonlyMap<string, GoogleTokenStatus> = new Map(),
): { ready: boolean; body: Record<string, unknown> } {
  // A time without a deadline (a ban) has no date: `reason` says why.
  const iso = (at: number | null) =>
    at === null || !Number.isFinite(at) ? null : new Date(at).toISOString();
  const accountOf = (name: string) => {
    const account = accounts.get(name);
    if (account === undefined) return {};
    return {
      account: {
        state: account.state,
        expires_at: iso(account.expiresAt),
        refreshed_at: iso(account.refreshedAt),
        error: account.error,
      },
    };
  };
  // A Vertex provider's Google access token: `static`, `empty` (none fetched yet), `ready` or `failing` (and why).
  const googleTokenOf = (name: string) => {
    const token = googleTokens.get(name);
    if (token === undefined) return {};
    return {
      google_token: {
        state: token.state,
        expires_at: iso(token.expiresAt ?? null),
        error: token.lastError ?? null,
      },
    };
  };
  const providers = snapshot.map((health) => ({
    name: health.name,
    enabled: health.enabled,
    usable: health.usable,
    serving: health.serving,
    state: health.state,
    cooling_down_until: iso(health.coolingDownUntil),
    reason: health.reason,
    deprioritized: health.deprioritized,
    consecutive_failures: health.consecutiveFailures,
    failure_rate: health.failureRate,
    last_error: health.lastError === null ? null : { ...health.lastError, at: iso(health.lastError.at) },
    last_success_at: iso(health.lastSuccessAt),
    budget: health.budget,
    // Subscription windows as last reported: status, utilization (fraction) and resetAt (ms epoch) per window.
    unified: health.unified,
    in_flight: inFlight.get(health.name) ?? 0,
    ...accountOf(health.name),
    ...googleTokenOf(health.name),
  }));
  const ready = snapshot.some((health) => health.enabled && (health.usable || health.serving));
  // A shared store that is down is shown, never a reason to be unready: every instance serves on its local state.
  return {
    ready,
    body: {
      status: ready ? 'ready' : 'unavailable',
      providers,
      ...(stateStore !== undefined ? { state_store: stateStore } : {}),
    },
  };
}

/**
 * `GET /readyz`: 200 when at least one provider is usable or serving, 503 otherwise; with a shared state store, its
 * state under `state_store` (up or not, it does not change the answer).
 */
export function readinessRoute(
  snapshot: () => readonly ProviderHealth[],
  inFlight: ReadonlyMap<string, number>,
  accounts: () => ReadonlyMap<string, OAuthAccountStatus>,
  stateStore: () => StateStoreReadiness | undefined = () => undefined,
  googleTokens: () => ReadonlyMap<string, GoogleTokenStatus> = () => new Map(),
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (discardRequestBody(request, response)) return;
    const { ready, body } = readinessReport(snapshot(), inFlight, accounts(), stateStore(), googleTokens());
    const text = JSON.stringify(body);
    response.writeHead(ready ? 200 : 503, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : text);
  };
}
