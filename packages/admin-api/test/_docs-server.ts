import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDocsRoutes, type DocsRoutesOptions } from '../src/docs-routes.js';

/** A real `node:http` server on 127.0.0.1 answering the documentation routes by exact path, 404 otherwise. */
export interface DocsServer {
  readonly origin: string;
  readonly server: Server;
  /** `METHOD path` of every request it received. */
  readonly received: string[];
  close(): Promise<void>;
}

export async function startDocsServer(options: DocsRoutesOptions): Promise<DocsServer> {
  const routes = createDocsRoutes(options);
  const received: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const url = request.url ?? '/';
    const path = url.split('?')[0] ?? url;
    received.push(`${request.method} ${url}`);
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    route(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    received,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
