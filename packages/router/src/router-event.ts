import type { CircuitState, DeprioritizedReason, OpenReason, RateLimitClass } from './health-store.js';

/** Why a circuit changed state; `success`: a request succeeded while the circuit was open for `auth`. */
export type StateChangeReason =
  | OpenReason
  | 'cooldown-elapsed'
  | 'trial-success'
  | 'probe-success'
  | 'success'
  | 'reset';

/** A provider's circuit changed state. Fires once per change, never per request. */
export interface StateChangeEvent {
  readonly type: 'state-change';
  readonly provider: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: StateChangeReason;
  /** End of the open period (ms epoch) when `to` is `open`, else `null`. */
  readonly until: number | null;
  /** Upstream status of the attempt that caused the change, when there was one (e.g. 401). */
  readonly status: number | null;
  /** ms epoch. */
  readonly at: number;
}

/** A provider started cooling down after a 429/529, spend limit or billing failure. */
export interface RateLimitedEvent {
  readonly type: 'rate-limited';
  readonly provider: string;
  readonly rateLimitClass: RateLimitClass;
  /** ms epoch at which the provider is usable again (unless `reset()` comes first). */
  readonly until: number;
  readonly status: number | null;
  readonly at: number;
}

/** A cool-down ended: it expired (noticed at the next plan or report) or an operator called `reset()`. */
export interface RateLimitEndedEvent {
  readonly type: 'rate-limit-ended';
  readonly provider: string;
  readonly rateLimitClass: RateLimitClass;
  readonly reason: 'expired' | 'reset';
  readonly at: number;
}

/** A provider runs short of budget and is now tried last in its tier. */
export interface DeprioritizedEvent {
  readonly type: 'deprioritized';
  readonly provider: string;
  readonly reason: DeprioritizedReason;
  /** ms epoch (the budget's or window's reset). */
  readonly until: number;
  readonly at: number;
}

/** A de-prioritized provider takes its normal share again. */
export interface ReprioritizedEvent {
  readonly type: 'reprioritized';
  readonly provider: string;
  readonly at: number;
}

/**
 * The caller benched a provider with `router.bench()` (e.g. over its spend budget), or the router banned a
 * subscription account (reason `banned`, `until` infinite, `message` the upstream's). Once per bench or new reason.
 */
export interface BenchedEvent {
  readonly type: 'benched';
  readonly provider: string;
  /** The reason given to `bench()`, e.g. `budget`; `banned` for a subscription account the upstream refused. */
  readonly reason: string;
  /** ms epoch until which the provider is left out of plans; `Infinity` = until `reset()` or `unbench()`. */
  readonly until: number;
  /** For a ban: the upstream's error message (it says why, e.g. a policy refusal); absent otherwise. */
  readonly message?: string;
  readonly at: number;
}

/** A bench ended: it expired (noticed at the next plan) or the caller called `unbench()`. */
export interface UnbenchedEvent {
  readonly type: 'unbenched';
  readonly provider: string;
  readonly reason: 'expired' | 'unbench';
  /** The reason the bench was given, e.g. `budget`. */
  readonly benchReason: string;
  readonly at: number;
}

/** Everything `onEvent` receives. */
export type RouterEvent =
  | StateChangeEvent
  | RateLimitedEvent
  | RateLimitEndedEvent
  | DeprioritizedEvent
  | ReprioritizedEvent
  | BenchedEvent
  | UnbenchedEvent;
