import { type ApiSurface, type AttemptOutcome, headerValue, judgesCredentials } from '@ccb/protocol';

/** The bench reason of a banned subscription account; only `reset()` or `unbench()` lifts such a bench. */
export const banReason = 'banned';

/**
 * Whether an attempt's answer bans the subscription account that gave it: 403 `permission_error` with
 * `x-should-retry: false`, the upstream's final word on an account it refuses (a ban or a policy refusal; relays
 * that kept retrying such accounts hammered them for days). Only on the APIs that judge credentials: elsewhere a
 * 403 may be about the endpoint the client chose. Whether the target is a subscription is the caller's to check:
 * an API key's 403 keeps the ordinary `auth` bench.
 */
export function isAccountBan(outcome: AttemptOutcome, api: ApiSurface | undefined): boolean {
  return (
    outcome.status === 403 &&
    outcome.errorType === 'permission_error' &&
    outcome.headers !== undefined &&
    headerValue(outcome.headers, 'x-should-retry') === 'false' &&
    (api === undefined || judgesCredentials(api))
  );
}
