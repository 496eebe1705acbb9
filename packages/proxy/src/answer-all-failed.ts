import type { AttemptRecord } from '@ccb/protocol';
import type { FailedAttempt } from './attempt-result.js';
import type { ClientResponse } from './client-response.js';
import type { ExchangeContext } from './exchange-context.js';
import { responseHeaders } from './response-headers.js';
import { sendError } from './send-error.js';

/** What the client was answered when no provider could serve. */
export interface AllFailedAnswer {
  readonly status: number;
  readonly bytesOut: number;
  readonly body: Buffer | undefined;
}

/**
 * Answers a request every candidate failed before anything reached the client: the last upstream error as it was
 * sent (its `retry-after` capped, configured secrets scrubbed), so the client reacts as it would to the API itself;
 * or, when no upstream answered at all, a 502 (504 when every attempt timed out) in Anthropic's shape naming each
 * provider tried.
 */
export function answerAllFailed(
  response: ClientResponse,
  lastFailure: FailedAttempt | undefined,
  attempts: readonly AttemptRecord[],
  requestId: string,
  context: Pick<ExchangeContext, 'maxRetryAfterInSeconds' | 'relayedErrors'>,
): AllFailedAnswer {
  const held = lastFailure?.held;
  if (held !== undefined) {
    const provider = attempts[attempts.length - 1]?.provider ?? '';
    const answer = context.relayedErrors?.scrub(held) ?? held;
    response.writeHead(
      answer.status,
      responseHeaders(answer.headers, provider, requestId, context.maxRetryAfterInSeconds),
    );
    if (held.trailer !== undefined) {
      response.write(answer.body);
      response.end(held.trailer);
    } else {
      response.end(answer.body);
    }
    return { status: answer.status, bytesOut: answer.body.length, body: answer.body };
  }
  const tried = attempts.map((attempt) => `${attempt.provider} (${attempt.reason ?? 'failed'})`).join(', ');
  const allTimeouts = attempts.length > 0 && attempts.every((attempt) => attempt.failure === 'timeout');
  const status = allTimeouts ? 504 : 502;
  sendError(
    response,
    status,
    allTimeouts ? 'timeout_error' : 'api_error',
    `all upstream providers failed: ${tried || 'none could be reached'}`,
    { requestId },
  );
  return { status, bytesOut: 0, body: undefined };
}
