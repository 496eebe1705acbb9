import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '@ccb/proxy';
import type { Metrics } from '@ccb/telemetry';
import type { AdminGuard } from './admin-guard.js';

/** `GET /metrics` in the Prometheus text format, behind the admin guard (an admin key; without one, loopback clients). */
export function metricsRoute(
  metrics: Metrics,
  guard: AdminGuard,
): (request: IncomingMessage, response: ServerResponse) => void {
  return guard((_request, response) => {
    metrics.render().then(
      (text) => {
        response.writeHead(200, {
          'content-type': metrics.contentType,
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      },
      () => sendError(response, 500, 'api_error', 'metrics could not be rendered'),
    );
  });
}
