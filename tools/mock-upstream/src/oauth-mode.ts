import type { CountSignal } from './count-signal.js';
import type { FaultQueue } from './fault-queue.js';
import type { TokenRequestRecord } from './mock-oauth.js';
import type { OAuthServer } from './oauth-server.js';

/** A mock's OAuth state, part of its context when `oauth` is on (internal). */
export interface OAuthMode {
  readonly server: OAuthServer;
  readonly tokenFaults: FaultQueue;
  readonly tokenReceived: CountSignal;
  tokenRequests: TokenRequestRecord[];
}

/** The token endpoint's path, after any base-URL prefix. */
export const tokenRoute = '/v1/oauth/token';
