import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnthropicErrorType } from '@ccb/protocol';
import { closeWithAnswer, rawErrorAnswer } from './raw-error-answer.js';
import { type ErrorOptions, sendError } from './send-error.js';

/** The largest body ccb still reads (and throws away) from a request it answers without its body. */
export const discardLimitInBytes = 64 * 1024;

/**
 * Refuses a request (401, 404, 405, 508…) in Anthropic's shape without reading its body beyond a small bound. A
 * body declared small enough (or none) is drained, so the keep-alive connection carries the next request; any other
 * (larger, or chunked with no length) is left unread and the connection closed ({@link closeWithError}): reading on
 * would let any client make ccb swallow gigabytes it never needs.
 */
export function refuseRequest(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  type: AnthropicErrorType,
  message: string,
  options: ErrorOptions = {},
): void {
  if (hasSmallBody(request)) {
    request.resume();
    sendError(response, status, type, message, options);
  } else {
    closeWithError(request, response, status, type, message, options);
  }
}

/**
 * For a route that takes no body (health, metrics, admin): drains a small one and returns `false`; answers any other
 * with a 413 `request_too_large`, closing the connection, and returns `true` (the route must not answer).
 */
export function discardRequestBody(request: IncomingMessage, response: ServerResponse): boolean {
  if (hasSmallBody(request)) {
    request.resume();
    return false;
  }
  closeWithError(request, response, 413, 'request_too_large', `${request.url ?? '/'} takes no request body`);
  return true;
}

/**
 * Answers an error and closes the connection without reading the rest of the request body. The answer goes on the
 * socket itself, which then waits (a second at most) for the client to close: Node would close at once on the
 * unread body, resetting the connection, and a reset can wipe the answer before the client reads it. The body stays
 * unread: Node's parser stops once the request's buffer is full. A response queued behind another one on the same
 * connection (pipelining), or with its own `writeHead`, is answered by Node instead, with `connection: close`.
 */
export function closeWithError(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  type: AnthropicErrorType,
  message: string,
  options: ErrorOptions = {},
): void {
  const socket = response.socket;
  // A response whose `writeHead` was wrapped (the CORS policy adds its headers there) is answered through it, so that
  // a page of an allowed origin can read the refusal; Node then closes at once, and may reset the connection.
  if (socket === null || response.headersSent || Object.hasOwn(response, 'writeHead')) {
    sendError(response, status, type, message, {
      ...options,
      headers: [...(options.headers ?? []), 'connection', 'close'],
    });
  } else {
    closeWithAnswer(
      socket,
      rawErrorAnswer(status, type, message, { ...options, omitBody: request.method === 'HEAD' }),
    );
  }
}

function hasSmallBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] === undefined &&
    (length === undefined || Number(length) <= discardLimitInBytes)
  );
}
