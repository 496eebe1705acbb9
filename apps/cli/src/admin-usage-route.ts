import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '@ccb/proxy';
import { sendJson } from './admin/admin-json.js';
import { CliError } from './cli-error.js';
import type { CostAccounting } from './cost-accounting.js';
import { usageReport } from './usage-report.js';

/** `GET /admin/usage?since=7d&by=provider`: the `ccb usage` report as JSON, behind the admin guard. */
export function adminUsageRoute(
  costs: Pick<CostAccounting, 'ledger' | 'ledgerUnavailable'>,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { ledger, ledgerUnavailable } = costs;
  return (request, response) => {
    if (ledgerUnavailable !== undefined) {
      sendError(response, 503, 'api_error', `the usage ledger is off: ${ledgerUnavailable}`);
      return;
    }
    if (ledger === undefined) {
      sendError(response, 404, 'not_found_error', 'the usage ledger is disabled (ledger.enabled: false)');
      return;
    }
    const query = new URL(request.url ?? '/', 'http://ccb').searchParams;
    usageReport(ledger, query.get('since') ?? undefined, query.get('by') ?? undefined).then(
      (report) => sendJson(response, 200, report),
      (error: unknown) => {
        if (CliError.is(error)) sendError(response, 400, 'invalid_request_error', error.message);
        else sendError(response, 500, 'api_error', 'the usage ledger could not be read');
      },
    );
  };
}
