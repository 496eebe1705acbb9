import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClientErrorListener } from './client-error.js';
import { limitConnectionsPerClient } from './client-limits.js';
import { createProxyHandler, type ProxyHandler } from './create-proxy-handler.js';
import { ProxyError } from './proxy-error.js';
import type { ProxyHandlerOptions } from './proxy-options.js';

export interface ProxyServerOptions extends ProxyHandlerOptions {
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 8000; 0 lets the OS choose. */
  readonly port?: number;
  /** How long `close()` lets in-flight requests and streams finish before cutting them, in ms. Default 10 000. */
  readonly shutdownGraceInMs?: number;
  /**
   * How long a request head (request line and headers) may take to arrive, from its first byte (and a new
   * connection's wait for one), in ms; enforced within a second of expiry. Over it: a 408 and the connection
   * closes. Never applies once the head is in: a long body or stream is not cut. Default 30 000; 0: none.
   */
  readonly headersTimeoutInMs?: number;
  /** How long a keep-alive connection may sit idle between requests before it is closed, in ms. Default 65 000. */
  readonly idleTimeoutInMs?: number;
  /**
   * Connections one client address may hold open at once; over it a new connection gets a 503 `overloaded_error`
   * and is closed before anything is parsed. Loopback clients count too. Default 256; 0: no cap.
   */
  readonly maxConnectionsPerClient?: number;
}

export interface ProxyServer {
  readonly server: Server;
  readonly handler: ProxyHandler;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  /**
   * Stops accepting connections, lets in-flight requests finish within the grace period, then cuts what is left
   * and closes the upstream pools.
   */
  close(): Promise<void>;
}

/** A `node:http` server running the proxy handler. */
export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  const handler = createProxyHandler(options);
  let draining = false;
  const headersTimeoutInMs = options.headersTimeoutInMs ?? 30_000;
  const server = createServer(
    {
      keepAliveTimeout: options.idleTimeoutInMs ?? 65_000,
      // Node's request timeout bounds the arrival of a whole request, head and body; a body is bounded per gap
      // instead (`bodyTimeoutInMs`), so that a slow but steady upload of a large one is not cut. (Neither touches a
      // response: a stream's gaps are the upstream's `stream_idle`.) With `requestTimeout: 0` Node also takes
      // `headersTimeout` as 0 unless it is set, which left a slow request head holding its socket for ever.
      requestTimeout: 0,
      headersTimeout: headersTimeoutInMs,
      // Node checks head deadlines on this interval (default 30 s, which could double a 30 s timeout).
      ...(headersTimeoutInMs > 0 ? { connectionsCheckingInterval: Math.min(headersTimeoutInMs, 1_000) } : {}),
    },
    (request, response) => {
      // A head completed after ccb answered its connection and ended it (a 408 for a head too slow): never act on it.
      if (request.socket.writableEnded) return;
      if (draining) response.setHeader('connection', 'close');
      handler.handle(request, response);
    },
  );
  server.on('clientError', createClientErrorListener(headersTimeoutInMs));
  limitConnectionsPerClient(server, options.maxConnectionsPerClient ?? 256);
  let closing: Promise<void> | undefined;

  return {
    server,
    handler,
    listen() {
      const host = options.host ?? '127.0.0.1';
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => {
          reject(
            new ProxyError(
              'CCB_PROXY_LISTEN_FAILED',
              `cannot listen on ${host}:${options.port ?? 8000}: ${error.message}`,
              { cause: error },
            ),
          );
        };
        server.once('error', onError);
        server.listen(options.port ?? 8000, host, () => {
          server.off('error', onError);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` });
        });
      });
    },
    close() {
      closing ??= (async () => {
        draining = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Keep-alive connections that finish a response while draining are closed as they become idle.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const grace = options.shutdownGraceInMs ?? 10_000;
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, grace);
        });
        await Promise.race([closed, expired]);
        clearInterval(sweep);
        clearTimeout(timer);
        // Past the grace period: what is still running ends properly (an SSE error event, a 503), then is cut.
        await handler.endInProgress();
        server.closeAllConnections();
        await closed;
        await handler.close();
      })();
      return closing;
    },
  };
}
