import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AnthropicErrorType } from '@ccb/protocol';
import { closeWithAnswer, rawErrorAnswer } from './raw-error-answer.js';

/** Sockets already answered: Node calls `clientError` again for every later piece a broken request sends. */
const answered = new WeakSet<Duplex>();

/**
 * Node's `clientError`, in Anthropic's shape: a request Node could not parse (400), headers over Node's size limit
 * (431), chunk extensions over theirs (413), or a request head that did not arrive within `server.headers_timeout`
 * (408). Each answer closes the connection. As in Node's own handler, a socket that cannot be written, or whose
 * response already started (a broken pipelined request behind a stream), is only destroyed: anything written there
 * would corrupt the answer in progress. Node's parser goes on reading what the client still sends (a failed parser
 * drops it; a head completed after its timeout reaches the request listener on an ended socket, which ignores it).
 * `headersTimeoutInMs` is read when a 408 is written (a reload may change it).
 */
export function createClientErrorListener(
  headersTimeoutInMs: () => number,
): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    if (answered.has(socket)) return;
    answered.add(socket);
    // Node's own handler reads the same field to know whether a response already went out on this socket.
    const inProgress = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!socket.writable || error.code === 'ECONNRESET' || inProgress?.headersSent === true) {
      socket.destroy();
      return;
    }
    const [status, type, message] = describeClientError(error.code, headersTimeoutInMs());
    closeWithAnswer(socket, rawErrorAnswer(status, type, message));
  };
}

function describeClientError(
  code: string | undefined,
  headersTimeoutInMs: number,
): [number, AnthropicErrorType, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'invalid_request_error', 'the request headers are larger than ccb accepts'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'request_too_large', 'the request body has chunk extensions larger than ccb accepts'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [
        408,
        'timeout_error',
        `the request headers did not arrive within ${headersTimeoutInMs} ms (server.headers_timeout)`,
      ];
    default:
      return [400, 'invalid_request_error', `malformed HTTP request (${code ?? 'unparsable'})`];
  }
}
