import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type AnthropicErrorType, anthropicErrorBody } from '@ccb/protocol';
import type { ErrorOptions } from './send-error.js';

/** How long a socket answered this way may stay open for its client to read the answer and close. */
const lastAnswerGraceInMs = 1_000;

/**
 * The bytes of a whole HTTP/1.1 error answer in Anthropic's shape that closes the connection, for writing on the
 * socket itself: where Node has no `ServerResponse` (a request it could not parse, a connection over its client's
 * cap) or where ccb will not let Node finish the exchange (a refused body it will not read).
 */
export function rawErrorAnswer(
  status: number,
  type: AnthropicErrorType,
  message: string,
  options: ErrorOptions & { readonly omitBody?: boolean } = {},
): string {
  const { requestId, headers = [] } = options;
  const body = anthropicErrorBody(type, message, requestId);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n`;
  for (let index = 0; index + 1 < headers.length; index += 2)
    head += `${headers[index]}: ${headers[index + 1]}\r\n`;
  if (requestId !== undefined) head += `x-request-id: ${requestId}\r\n`;
  head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  return options.omitBody === true ? head : head + body;
}

/**
 * Writes a last answer on a raw socket and ends it (FIN), then lets the client close in turn, destroying the socket
 * after a second at most. Closing at once would reset the connection while the client is still sending, and a reset
 * can wipe the answer from the client's buffers before it reads it. What the client sends meanwhile is left to the
 * socket's reader: Node's parser (which stops once a refused body fills its buffer, or drops what follows a parse
 * error), or the caller's `resume()`.
 */
export function closeWithAnswer(socket: Duplex, answer: string): void {
  socket.on('error', ignore);
  const timer = setTimeout(() => socket.destroy(), lastAnswerGraceInMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(answer);
}

function ignore(): void {}
