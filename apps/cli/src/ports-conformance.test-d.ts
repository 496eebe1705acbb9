// Compile-time proof that the leaves fit the proxy's ports without importing each other: `pnpm typecheck`
// fails here if @ccb/providers or @ccb/router drift from what @ccb/proxy declares.
import type { BedrockAdapter } from '@ccb/bedrock';
import type { BudgetStore } from '@ccb/ledger';
import type { CredentialSource, Provider } from '@ccb/providers';
import type { AttemptPlanner, UpstreamAdapter, UpstreamTarget } from '@ccb/proxy';
import type { Router, RouterPlanner } from '@ccb/router';
import type { RedisBudgetStore } from '@ccb/state-redis';
import type { GoogleTokenSource, VertexAdapter } from '@ccb/vertex';

type Assert<T extends true> = T;

// A provider's adapter is opaque to @ccb/providers: the provider fits the port but for it, and the one adapter the
// CLI composes fits the proxy's adapter port.
export type ProviderIsUpstream = Assert<
  Omit<Provider, 'adapter'> extends Omit<UpstreamTarget, 'adapter'> ? true : false
>;
export type BedrockAdapterIsUpstreamAdapter = Assert<BedrockAdapter extends UpstreamAdapter ? true : false>;
export type VertexAdapterIsUpstreamAdapter = Assert<VertexAdapter extends UpstreamAdapter ? true : false>;
// Vertex's Google tokens are the provider's credential source.
export type GoogleTokenSourceIsCredentialSource = Assert<
  GoogleTokenSource extends CredentialSource ? true : false
>;
export type RouterIsPlanner = Assert<Router extends AttemptPlanner ? true : false>;
export type RedisBudgetStoreIsBudgetStore = Assert<RedisBudgetStore extends BudgetStore ? true : false>;
// The planner a router hands out says whether it has OAuth subscription targets, as the proxy's port asks.
export type RouterPlannerIsPlanner = Assert<
  RouterPlanner extends AttemptPlanner & { readonly hasOAuthTargets: boolean } ? true : false
>;
