import type { RouteListener } from '../route-table.js';
import type { AdminControl } from './admin-control.js';
import { AdminRequestError, sendAdminFailure, sendJson } from './admin-json.js';

/** `POST /admin/reload`: 200 with the report when applied or unchanged, 422 with it when the files were rejected. */
export function reloadRoute(control: () => AdminControl | undefined): RouteListener {
  return (_request, response) => {
    const reloader = control();
    if (reloader === undefined) {
      sendAdminFailure(
        response,
        new AdminRequestError(
          409,
          'invalid_request_error',
          'ccb runs without a config file: there is nothing to reload',
        ),
        'reload',
      );
      return;
    }
    reloader.reload('admin API').then(
      (report) =>
        sendJson(response, report.result === 'rejected' ? 422 : 200, {
          result: report.result,
          changes: report.changes,
          restart_required: report.restartRequired,
          errors: report.errors,
          hash: report.hash,
          loaded_at: new Date(report.loadedAtInMs).toISOString(),
        }),
      (error: unknown) => sendAdminFailure(response, error, 'the reload failed'),
    );
  };
}
