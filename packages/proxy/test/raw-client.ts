import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** A client on a bare TCP socket, to send what no HTTP client would (a slow head, a stalled body, junk). */
export interface RawClient {
  readonly socket: Socket;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves with everything received once the server has closed the connection; rejects if it is still open after `timeoutInMs`. */
  closed(timeoutInMs?: number): Promise<string>;
  /** Resolves once `text` has been received; rejects after `timeoutInMs`. */
  waitFor(text: string, timeoutInMs?: number): Promise<string>;
  /**
   * Writes `text` one byte every `everyInMs` until all is written or the socket closes; resolves with the number of
   * bytes written. Bounded by the length of `text`.
   */
  drip(text: string, everyInMs: number): Promise<number>;
}

/**
 * Opens a raw connection to `url`, optionally from another loopback address (another "client"), and optionally
 * half-open (it keeps its side open after the server's FIN).
 */
export async function rawConnect(
  url: string,
  options: { localAddress?: string; allowHalfOpen?: boolean } = {},
): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = connect({
    host: hostname,
    port: Number(port),
    localAddress: options.localAddress,
    // Keep writing after the server's FIN, as a client busy sending does.
    allowHalfOpen: options.allowHalfOpen ?? false,
  });
  socket.setNoDelay(true);
  const chunks: Buffer[] = [];
  let isClosed = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    notify();
  });
  // A server that closes with unread bytes resets the connection: what arrived before the reset still counts.
  socket.on('error', () => {});
  socket.on('close', () => {
    isClosed = true;
    notify();
  });
  await once(socket, 'connect');
  const received = () => Buffer.concat(chunks).toString('latin1');
  const until = (done: () => boolean, what: string, timeoutInMs: number) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(received());
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`${what} within ${timeoutInMs} ms; received so far: ${JSON.stringify(received())}`));
      }, timeoutInMs);
      listeners.add(check);
      check();
    });
  return {
    socket,
    received,
    closed: (timeoutInMs = 5_000) =>
      until(() => isClosed, 'the server did not close the connection', timeoutInMs),
    waitFor: (text, timeoutInMs = 5_000) =>
      until(() => received().includes(text), `${JSON.stringify(text)} did not arrive`, timeoutInMs),
    drip: (text, everyInMs) =>
      new Promise((resolve) => {
        let written = 0;
        const timer = setInterval(() => {
          if (isClosed || socket.destroyed || written >= text.length) {
            clearInterval(timer);
            resolve(written);
            return;
          }
          socket.write(text[written] as string);
          written++;
        }, everyInMs);
      }),
  };
}

/** A raw HTTP/1.1 answer taken apart: status, lower-case headers, body text. */
export function parseAnswer(text: string): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split === -1 ? text.length : split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: split === -1 ? '' : text.slice(split + 4),
  };
}
