import type { ServerResponse } from 'node:http';
import type { AttemptRecord } from '@ccb/protocol';
import type { FailedAttempt } from './attempt-result.js';
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
 * sent (its `retry-after` capped), so the client reacts as it would to the API itself; or, when no upstream
 * answered at all, a 502 (504 when every attempt timed out) in Anthropic's shape naming each provider tried.
 */
export function answerAllFailed(
  response: ServerResponse,
  lastFailure: FailedAttempt | undefined,
  attempts: readonly AttemptRecord[],
  requestId: string,
  maxRetryAfterInSeconds: number,
): AllFailedAnswer {
  const held = lastFailure?.held;
  if (held !== undefined) {
    const provider = attempts[attempts.length - 1]?.provider ?? '';
    response.writeHead(
      held.status,
      responseHeaders(held.headers, provider, requestId, maxRetryAfterInSeconds),
    );
    if (held.trailer !== undefined) {
      response.write(held.body);
      response.end(held.trailer);
    } else {
      response.end(held.body);
    }
    return { status: held.status, bytesOut: held.body.length, body: held.body };
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
