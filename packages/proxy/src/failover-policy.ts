/**
 * Which upstream HTTP answers fail over to the next provider, and which belong to the client.
 * See ../shared/protocol.md §5: 429/5xx/529 and credential problems are the provider's; other 4xx are the
 * client's and pass through unchanged.
 */

/** Statuses that are the provider's problem, not the request's. */
export function isProviderFailureStatus(status: number): boolean {
  return (
    status >= 500 || status === 429 || status === 401 || status === 402 || status === 403 || status === 408
  );
}

// A 400 about the provider's account rather than the request (e.g. "Your credit balance is too low to access
// the Anthropic API"), as upstreams phrase it.
const accountProblem =
  /credit balance|billing|insufficient (?:balance|credit|funds|quota)|quota exceeded|exceeded your (?:current )?quota|account (?:is |has been )?(?:disabled|suspended|deactivated)|organization (?:is |has been )?disabled/i;

/** True when a 400's Anthropic error message says the provider's account is at fault. */
export function isAccountProblem(message: string | undefined): boolean {
  return message !== undefined && accountProblem.test(message);
}

/** The `error.type` and `error.message` of an Anthropic-shaped error body, tolerant of anything else. */
export function readErrorBody(body: Buffer): { type?: string; message?: string; code?: string } {
  if (body.length === 0 || body.length > 65_536) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const error = (parsed as { error?: unknown }).error;
    if (typeof error === 'object' && error !== null) {
      const { type, message, details } = error as { type?: unknown; message?: unknown; details?: unknown };
      const code = (details as { error_code?: unknown } | null | undefined)?.error_code;
      return {
        ...(typeof type === 'string' ? { type } : {}),
        ...(typeof message === 'string' ? { message } : {}),
        ...(typeof code === 'string' ? { code } : {}),
      };
    }
    if (typeof error === 'string') return { message: error };
    return {};
  } catch {
    return {};
  }
}
