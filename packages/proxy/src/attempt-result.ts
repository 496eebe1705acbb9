import type { IncomingHttpHeaders } from 'node:http';
import { type AttemptOutcome, headerValue, type Usage, upstreamRequestIdHeader } from '@ccb/protocol';
import type { TransportFailure } from './transport-failure.js';

/** An upstream answer held back so it can be relayed if no other provider does better. */
export interface HeldResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Bytes to append when relaying (an SSE error event for a stream cut before content). */
  readonly trailer?: Buffer | undefined;
}

/** How one attempt ended. */
export type AttemptResult =
  /** The response reached the client (fully, or ended by an error after commit). */
  | {
      readonly kind: 'committed';
      readonly outcome: AttemptOutcome;
      readonly usage: Usage | undefined;
      readonly upstreamRequestId: string | undefined;
      readonly bytesOut: number;
      readonly reason: string | undefined;
      /** The start of the response body, when capture is on. */
      readonly capturedBody: Buffer | undefined;
    }
  /** Nothing was sent to the client: another provider may be tried. */
  | {
      readonly kind: 'failed';
      readonly outcome: AttemptOutcome;
      /** Safe to show the client (the all-failed answer names it). */
      readonly reason: string;
      /** More, for the record and the logs only. */
      readonly detail?: string | undefined;
      readonly held: HeldResponse | undefined;
      readonly transport: TransportFailure | undefined;
    }
  /** The client went away. */
  | {
      readonly kind: 'aborted';
      /** What the upstream had served by then, when it bills for it; `undefined` when it had not started. */
      readonly served: ServedPart | undefined;
    };

/**
 * The part of an answer served before the client went away: once the upstream has taken the prompt
 * (`message_start`) or content reached the client, it bills for what it did, and ccb counts it.
 */
export interface ServedPart {
  readonly outcome: AttemptOutcome;
  /** Input and cache as the upstream said, output as it said or estimated (`outputEstimated`); none for JSON. */
  readonly usage: Usage | undefined;
  readonly upstreamRequestId: string | undefined;
  readonly bytesOut: number;
}

/** A failed attempt's result. */
export type FailedAttempt = Extract<AttemptResult, { kind: 'failed' }>;

/** Where an attempt stood when its client left. */
export interface AttemptState {
  /** The answer was committed: bytes reached the client. */
  readonly committed: boolean;
  readonly observer: { readonly sawMessageStart: boolean; usageSoFar(): Usage } | undefined;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly bytesOut: number;
}

/**
 * What the upstream served before the client left: a committed answer (the provider did its part: a success for its
 * health), or a held stream that had started (neutral); `undefined` when it had not started. With the usage billed
 * so far, so that cancelling a stream neither hides its cost from the ledger nor dodges a budget.
 */
export function servedPart(state: AttemptState): ServedPart | undefined {
  const { committed, observer, status, headers } = state;
  if (!committed && observer?.sawMessageStart !== true) return undefined;
  return {
    outcome: { result: committed ? 'success' : 'client_error', status, headers },
    usage: observer?.usageSoFar(),
    upstreamRequestId: headerValue(headers, upstreamRequestIdHeader),
    bytesOut: state.bytesOut,
  };
}
