import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClientAuth, sendError } from '@ccb/proxy';
import type { Metrics } from '@ccb/telemetry';

/** `GET /metrics` in the Prometheus text format; when an admin key is configured, only for its holder. */
export function metricsRoute(
  metrics: Metrics,
  adminKey: string | undefined,
): (request: IncomingMessage, response: ServerResponse) => void {
  const admin = createClientAuth(adminKey === undefined ? [] : [adminKey]);
  return (request, response) => {
    request.resume();
    if (
      admin.verify(request.headers['x-api-key'] as string | undefined, request.headers.authorization) ===
      undefined
    ) {
      sendError(
        response,
        401,
        'authentication_error',
        'metrics need the admin key (auth.admin_key) as x-api-key or Authorization: Bearer',
      );
      return;
    }
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
  };
}
