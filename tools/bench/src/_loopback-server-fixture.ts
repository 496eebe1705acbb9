import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A test server listening on 127.0.0.1, and its base URL. */
export interface LoopbackServer {
  readonly server: Server;
  readonly url: string;
}

/**
 * For a suite's wire tests: a function that starts a server with `listener` on a port the OS chose. Every server it
 * started is closed, connections and all, after each test. Call it once, at the top of the suite's file.
 */
export function loopbackServers(): (listener: RequestListener) => Promise<LoopbackServer> {
  const running = new Set<Server>();
  afterEach(async () => {
    const servers = [...running];
    running.clear();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  return async (listener) => {
    const server = createServer(listener);
    running.add(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
}
