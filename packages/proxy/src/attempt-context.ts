import type { AttemptResult } from './attempt-result.js';
import type { ClientRelayContext } from './client-relay.js';
import type { RelayedErrorScrubber } from './relayed-error-scrubber.js';
import type { SessionCapture } from './session-repair.js';

/** What one attempt needs from the request it serves. */
export interface AttemptContext extends ClientRelayContext {
  /**
   * Bound of the stream commit gate in ms; 0: a stream is relayed at once (the caller's choice when no other
   * provider is left to try, since the gate only buys a failover).
   */
  readonly firstContentTimeoutInMs: number;
  /** True when the client's own credentials went upstream (passthrough): a 401/403 is then the client's. */
  readonly clientCredentials: boolean;
  /** Whether usage should be read from the response (Messages API calls). */
  readonly observeUsage: boolean;
  /** Removes secrets from an error answer passed through to the client; `undefined`: none configured. */
  readonly relayedErrors: RelayedErrorScrubber | undefined;
  /**
   * Records who served the session and the thinking signatures of a successful answer; `undefined` (no session, or
   * the providers share one signature domain): nothing is read for it.
   */
  readonly sessionCapture?: SessionCapture | undefined;
  /**
   * Told once how the attempt ended: the response committed, a failure another provider may answer in its place, or
   * the client gone. Called in a microtask of its own, never from inside the handler's callbacks; it must not throw
   * (nothing would catch it).
   */
  readonly onSettled: (result: AttemptResult) => void;
}
