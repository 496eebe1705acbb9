import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProxyError } from './proxy-error.js';
import { closeWithError } from './refuse-request.js';

const retrySoon = ['retry-after', '1'];

/**
 * Answers a body `readRequestBody` refused, closing the connection (the rest of the body is never read): 413 over
 * the limit, 408 `timeout_error` for a body that stalled (the type says what happened; Claude Code and the SDKs
 * retry a 408 whatever its type), 503 `overloaded_error` with `retry-after` when bodies in flight already take
 * `server.max_body_memory`. A client that went away gets nothing.
 */
export function answerBodyFailure(
  request: IncomingMessage,
  response: ServerResponse,
  error: unknown,
  requestId: string,
): void {
  if (!ProxyError.is(error)) return;
  if (error.code === 'CCB_PROXY_BODY_TOO_LARGE') {
    closeWithError(request, response, 413, 'request_too_large', error.message, { requestId });
  } else if (error.code === 'CCB_PROXY_BODY_TIMEOUT') {
    closeWithError(request, response, 408, 'timeout_error', error.message, { requestId });
  } else if (error.code === 'CCB_PROXY_OVERLOADED') {
    closeWithError(request, response, 503, 'overloaded_error', error.message, {
      requestId,
      headers: retrySoon,
    });
  }
}
