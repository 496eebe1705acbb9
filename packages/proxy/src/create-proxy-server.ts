import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (request, response) => {
    if (draining) response.setHeader('connection', 'close');
    handler.handle(request, response);
  });
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
