import { Gauge, type Registry } from 'prom-client';

/** The states a subscription account can be in, as `@ccb/providers` reports them. */
const accountStates = ['ready', 'refreshing', 'needs_login', 'unavailable'] as const;

/** One subscription account's state, as the metrics read it. */
export interface AccountStateLike {
  readonly state: string;
  /** When the access token expires, ms epoch; `null` when unknown or never. */
  readonly expiresAt: number | null;
}

/**
 * Registers `oauth_account_state{provider,state}` (1 for the current state, 0 for the others, so an alert can watch
 * `state="needs_login"`) and `oauth_token_expiry_timestamp_seconds{provider}`, read at every scrape.
 */
export function registerAccountGauges(
  registry: Registry,
  prefix: string,
  accounts: () => ReadonlyMap<string, AccountStateLike>,
): void {
  new Gauge({
    name: `${prefix}oauth_account_state`,
    help: 'State of each subscription account (auth_type oauth): 1 for the current state (ready, refreshing, needs_login, unavailable), 0 for the others.',
    labelNames: ['provider', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [provider, account] of accounts()) {
        for (const state of accountStates) this.set({ provider, state }, account.state === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: `${prefix}oauth_token_expiry_timestamp_seconds`,
    help: "When each subscription account's access token expires, Unix seconds (absent when it never does).",
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [provider, account] of accounts()) {
        if (account.expiresAt !== null) this.set({ provider }, account.expiresAt / 1000);
      }
    },
  });
}
