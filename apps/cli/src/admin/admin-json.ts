import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnthropicErrorType } from '@ccb/protocol';
import { sendError } from '@ccb/proxy';

/** Largest admin request body: a provider patch is a few dozen bytes. */
const maxBodyInBytes = 64 * 1024;

/** Answers `status` with `body` as JSON, uncached. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

/** A problem with an admin request, answered in Anthropic's error shape with its status. */
export class AdminRequestError extends Error {
  constructor(
    readonly status: number,
    readonly type: AnthropicErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'AdminRequestError';
  }
}

/** Answers an admin route's failure: its own status for an {@link AdminRequestError}, else a 500 naming `what`. */
export function sendAdminFailure(response: ServerResponse, error: unknown, what: string): void {
  if (error instanceof AdminRequestError) sendError(response, error.status, error.type, error.message);
  else sendError(response, 500, 'api_error', `${what}: ${(error as Error)?.message ?? String(error)}`);
}

/**
 * Reads a small JSON request body (`undefined` for none).
 * @throws {AdminRequestError} 415 for a body that is not JSON by its content type, 413 over 64 KiB, 400 unparsable.
 */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBodyInBytes) {
    request.resume();
    throw new AdminRequestError(
      413,
      'request_too_large',
      `admin request bodies are at most ${maxBodyInBytes} bytes`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyInBytes) {
      request.resume();
      throw new AdminRequestError(
        413,
        'request_too_large',
        `admin request bodies are at most ${maxBodyInBytes} bytes`,
      );
    }
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const type = (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AdminRequestError(
      415,
      'invalid_request_error',
      'admin request bodies must be application/json',
    );
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AdminRequestError(400, 'invalid_request_error', 'the request body is not valid JSON');
  }
}

/** The `persist` query flag: `true`, `false` or absent. @throws {AdminRequestError} 400 for another value. */
export function persistFlag(request: IncomingMessage): boolean {
  const value = new URL(request.url ?? '/', 'http://ccb').searchParams.get('persist');
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw new AdminRequestError(
    400,
    'invalid_request_error',
    `persist must be true or false, got ${JSON.stringify(value)}`,
  );
}
