import type { AttemptOutcome } from './attempt-outcome.js';
import type { ErrorBody } from './error-body.js';
import type { ResponseHeaders } from './headers.js';

/**
 * Statuses that are the provider's problem, not the request's (https://docs.claude.com/en/api/errors): rate limits, server errors,
 * overload (529), timeouts, and the provider's own credentials or billing (401/402/403).
 */
export function isProviderFailureStatus(status: number): boolean {
  return (
    status >= 500 || status === 429 || status === 401 || status === 402 || status === 403 || status === 408
  );
}

// A 400 about the provider's account rather than the request (e.g. "Your credit balance is too low to access
// the Anthropic API"), as upstreams phrase it.
const accountProblem =
  /credit balance|billing|insufficient (?:balance|credit|funds|quota)|quota exceeded|exceeded your (?:current )?quota|account (?:is |has been )?(?:disabled|suspended|deactivated)|organization (?:is |has been )?disabled/i;

/** True when an error message says the provider's account is at fault (a 400 that another provider may not give). */
export function isAccountProblem(message: string | undefined): boolean {
  return message !== undefined && accountProblem.test(message);
}

const revokedOAuthToken = /OAuth token has been revoked/i;

/**
 * True when an upstream refused the provider's own credential in a way a fresh one may fix: a 401, or the 403
 * `permission_error` "OAuth token has been revoked" of a subscription account, which Claude Code itself answers by
 * refreshing its token (protocol notes §6). A proxy renews a refreshable credential then and tries once more.
 */
export function isRenewableCredentialRefusal(outcome: AttemptOutcome): boolean {
  if (outcome.status === 401) return true;
  return (
    outcome.status === 403 &&
    outcome.errorMessage !== undefined &&
    revokedOAuthToken.test(outcome.errorMessage)
  );
}

const spendLimitCode = 'enforced_spend_limit_reached';
const creditTooLow = /credit balance is too low/i;

/**
 * Spend limits and exhausted credit: `error.details.error_code = enforced_spend_limit_reached` on a 429 (does not
 * clear before the next month), 402 / `billing_error`, and the account-specific 400 "Your credit balance is too
 * low" (https://docs.claude.com/en/api/errors). None of them clears by retrying soon.
 */
export function isSpendLimit(outcome: AttemptOutcome): boolean {
  return (
    outcome.errorCode === spendLimitCode ||
    outcome.errorType === spendLimitCode ||
    outcome.status === 402 ||
    outcome.errorType === 'billing_error' ||
    (outcome.errorMessage !== undefined &&
      (outcome.errorMessage.includes(spendLimitCode) || creditTooLow.test(outcome.errorMessage)))
  );
}

/** An upstream HTTP answer, as far as it is known when its outcome is judged. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers?: ResponseHeaders | undefined;
  /** What the error body says (see `readErrorBody`), for an error status. */
  readonly error?: ErrorBody | undefined;
  /**
   * The client's own credential went upstream (a passthrough provider): a 401 or 403 then judges the client's key,
   * not the provider.
   */
  readonly clientCredentials?: boolean | undefined;
}

/**
 * The outcome of one complete HTTP answer: `success` below 400; `failure` (kind `status`) when the status or an
 * account problem in a 400 is the provider's; `client_error` for the client's own 4xx, which says nothing about
 * the provider. Streams that break after their head are judged by the proxy, which sees them end.
 */
export function classifyResponse(response: UpstreamResponse): AttemptOutcome {
  const { status, headers, error } = response;
  if (status < 400) return { result: 'success', status, headers };
  const clientsCredential = response.clientCredentials === true && (status === 401 || status === 403);
  const providers =
    !clientsCredential &&
    (isProviderFailureStatus(status) || (status === 400 && isAccountProblem(error?.message)));
  return {
    result: providers ? 'failure' : 'client_error',
    failure: providers ? 'status' : undefined,
    status,
    errorType: error?.type,
    errorMessage: error?.message,
    errorCode: error?.code,
    headers,
  };
}
