import type { IncomingMessage } from 'node:http';
import { ProxyError } from './proxy-error.js';

const empty = Buffer.alloc(0);

/**
 * Reads the whole request body once (it must be replayable for failover), refusing more than `limitInBytes`.
 * A declared `content-length` over the limit is refused before any byte is read.
 */
export function readRequestBody(request: IncomingMessage, limitInBytes: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitInBytes) {
    request.resume();
    return Promise.reject(tooLarge(limitInBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitInBytes) {
        cleanup();
        request.resume();
        reject(tooLarge(limitInBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(
        chunks.length === 1
          ? (chunks[0] as Buffer)
          : chunks.length === 0
            ? empty
            : Buffer.concat(chunks, received),
      );
    };
    const onAborted = () => {
      cleanup();
      reject(
        new ProxyError('CCB_PROXY_BODY_ABORTED', 'the client closed the connection while sending the body'),
      );
    };
    const onError = (error: Error) => {
      cleanup();
      reject(
        new ProxyError('CCB_PROXY_BODY_ABORTED', 'the request body could not be read', { cause: error }),
      );
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('close', onAborted);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('close', onAborted);
    request.on('error', onError);
  });
}

function tooLarge(limitInBytes: number): ProxyError {
  return new ProxyError(
    'CCB_PROXY_BODY_TOO_LARGE',
    `request body exceeds the limit of ${limitInBytes} bytes (server.body_limit)`,
  );
}
