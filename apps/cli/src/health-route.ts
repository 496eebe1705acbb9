import type { IncomingMessage, ServerResponse } from 'node:http';
import { discardRequestBody } from '@ccb/proxy';

/**
 * `GET|HEAD /healthz` (and `/`, which Claude Code preconnects to with an unauthenticated `HEAD` and whose answer
 * it ignores): the process is up. Says nothing about providers; `/readyz` does.
 */
export function healthRoute(
  version: string,
  now: () => number = Date.now,
): (request: IncomingMessage, response: ServerResponse) => void {
  const startedAt = now();
  return (request, response) => {
    if (discardRequestBody(request, response)) return;
    const body = JSON.stringify({ status: 'ok', version, uptime_s: Math.round((now() - startedAt) / 1000) });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}
