import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClientErrorListener } from './client-error.js';
import { limitConnectionsPerClient } from './client-limits.js';
import { createProxyHandler, type ProxyHandler } from './create-proxy-handler.js';
import { ProxyError } from './proxy-error.js';
import { ProxyIncomingMessage } from './proxy-incoming-message.js';
import type { ProxyHandlerOptions } from './proxy-options.js';
import type { ProxySettings, Reconfigured } from './proxy-settings.js';

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

/**
 * What a reload may change on a running server: the handler's settings, and the client limits `node:http` lets
 * change live. The listen address (`host`, `port`) cannot change without a restart.
 */
export type ProxyServerSettings = ProxySettings &
  Pick<
    ProxyServerOptions,
    'shutdownGraceInMs' | 'headersTimeoutInMs' | 'idleTimeoutInMs' | 'maxConnectionsPerClient'
  >;

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
  /**
   * Swaps the settings live (`ProxyHandler.reconfigure`: requests in progress finish on their own), and the client
   * limits: a new `headersTimeoutInMs` applies to every request head still arriving (checked every second, or
   * more often when the server started with a shorter one), a new `idleTimeoutInMs` to connections as they next
   * fall idle, a new `maxConnectionsPerClient` to new connections (none is closed for it), a new
   * `shutdownGraceInMs` to the next `close()`. Left out, each takes its default.
   * @throws {ProxyError} as `ProxyHandler.reconfigure`; nothing changes then.
   */
  reconfigure(settings: ProxyServerSettings): Reconfigured;
}

/** A `node:http` server running the proxy handler. */
export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  checkClientLimits(options);
  const handler = createProxyHandler(options);
  let draining = false;
  let shutdownGraceInMs = options.shutdownGraceInMs ?? 10_000;
  const headersTimeoutInMs = options.headersTimeoutInMs ?? 30_000;
  const server = createServer(
    {
      // Builds each request's `headers` object, the same as Node's, in less than half of Node's time.
      IncomingMessage: ProxyIncomingMessage,
      keepAliveTimeout: options.idleTimeoutInMs ?? 65_000,
      // Node's request timeout bounds the arrival of a whole request, head and body; a body is bounded per gap
      // instead (`bodyTimeoutInMs`), so that a slow but steady upload of a large one is not cut. (Neither touches a
      // response: a stream's gaps are the upstream's `stream_idle`.) With `requestTimeout: 0` Node also takes
      // `headersTimeout` as 0 unless it is set, which left a slow request head holding its socket for ever.
      requestTimeout: 0,
      headersTimeout: headersTimeoutInMs,
      // Node checks head deadlines on this interval (default 30 s, which could double a 30 s timeout). It is fixed
      // at creation, and checks nothing while the timeout is 0, so a reload may still turn a timeout on.
      connectionsCheckingInterval: headersTimeoutInMs > 0 ? Math.min(headersTimeoutInMs, 1_000) : 1_000,
    },
    (request, response) => {
      // A head completed after ccb answered its connection and ended it (a 408 for a head too slow): never act on it.
      if (request.socket.writableEnded) return;
      if (draining) response.setHeader('connection', 'close');
      handler.handle(request, response);
    },
  );
  server.on(
    'clientError',
    createClientErrorListener(() => server.headersTimeout),
  );
  const setMaxConnectionsPerClient = limitConnectionsPerClient(
    server,
    options.maxConnectionsPerClient ?? 256,
  );
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
        const grace = shutdownGraceInMs;
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
    reconfigure(settings) {
      checkClientLimits(settings);
      const reconfigured = handler.reconfigure(settings);
      // Node reads these properties when it uses them: the head deadline at each check, the idle timeout when a
      // response ends.
      server.headersTimeout = settings.headersTimeoutInMs ?? 30_000;
      server.keepAliveTimeout = settings.idleTimeoutInMs ?? 65_000;
      setMaxConnectionsPerClient(settings.maxConnectionsPerClient ?? 256);
      shutdownGraceInMs = settings.shutdownGraceInMs ?? 10_000;
      return reconfigured;
    },
  };
}

const clientLimitNames = [
  'headersTimeoutInMs',
  'idleTimeoutInMs',
  'maxConnectionsPerClient',
  'shutdownGraceInMs',
] as const;

/**
 * Checks the server's own limits, which Node reads as they are once set on a running server (its own checks run only
 * at `createServer`).
 * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for a limit that is not a whole number of 0 or more.
 */
function checkClientLimits(limits: Pick<ProxyServerOptions, (typeof clientLimitNames)[number]>): void {
  for (const name of clientLimitNames) {
    const value = limits[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new ProxyError(
        'CCB_PROXY_INVALID_OPTIONS',
        `${name} must be a whole number of 0 or more, not ${value}`,
      );
    }
  }
}
