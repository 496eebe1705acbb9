import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Ledger } from '@ccb/ledger';
import { createClientAuth, sendError } from '@ccb/proxy';
import { CliUsageError } from './load-cli-config.js';
import { usageReport } from './usage-report.js';

/** `GET /admin/usage?since=7d&by=provider`: the `ccb usage` report as JSON, for the admin key's holder. */
export function adminUsageRoute(
  ledger: Ledger | undefined,
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
        'admin endpoints need auth.admin_key as x-api-key or Authorization: Bearer',
      );
      return;
    }
    if (ledger === undefined) {
      sendError(response, 404, 'not_found_error', 'the usage ledger is disabled (ledger.enabled: false)');
      return;
    }
    const query = new URL(request.url ?? '/', 'http://ccb').searchParams;
    try {
      const body = JSON.stringify(
        usageReport(ledger, query.get('since') ?? undefined, query.get('by') ?? undefined),
      );
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    } catch (error) {
      if (error instanceof CliUsageError) sendError(response, 400, 'invalid_request_error', error.message);
      else sendError(response, 500, 'api_error', 'the usage ledger could not be read');
    }
  };
}
