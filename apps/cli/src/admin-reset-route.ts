import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '@ccb/proxy';
import type { Router } from '@ccb/router';
import { sendJson } from './admin/admin-json.js';

/**
 * `POST /admin/reset?provider=NAME`: an operator clears a provider's circuit, cool-down (e.g. a spend-limit bench)
 * and budget bench, behind the admin guard. A provider still over its budget is benched again by its next
 * request's accounting.
 */
export function adminResetRoute(
  router: Router,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const name = new URL(request.url ?? '/', 'http://ccb').searchParams.get('provider');
    if (name === null || !router.targets().some((target) => target.name === name)) {
      sendError(response, 404, 'not_found_error', `no provider named ${JSON.stringify(name ?? '')}`);
      return;
    }
    router.reset(name);
    router.unbench(name);
    sendJson(response, 200, { provider: name, reset: true });
  };
}
