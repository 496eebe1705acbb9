// Compile-time proof that the leaves fit the proxy's ports without importing each other: `pnpm typecheck`
// fails here if @ccb/providers or @ccb/router drift from what @ccb/proxy declares.
import type { Provider } from '@ccb/providers';
import type { AttemptPlanner, AttemptOutcome as ProxyOutcome, UpstreamTarget } from '@ccb/proxy';
import type { Router, AttemptOutcome as RouterOutcome } from '@ccb/router';

type Assert<T extends true> = T;

export type ProviderIsUpstream = Assert<Provider extends UpstreamTarget ? true : false>;
export type RouterIsPlanner = Assert<Router extends AttemptPlanner ? true : false>;
export type OutcomesAgree = Assert<ProxyOutcome extends RouterOutcome ? true : false>;
