import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClientAuth, sendError } from '@ccb/proxy';
import type { Router } from '@ccb/router';

/**
 * `POST /admin/reset?provider=NAME`: an operator clears a provider's circuit, cool-down (e.g. a spend-limit bench)
 * and budget bench, for the admin key's holder. A provider still over its budget is benched again by its next
 * request's accounting.
 */
export function adminResetRoute(
  router: Router,
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
    if (request.method !== 'POST') {
      sendError(response, 405, 'invalid_request_error', 'use POST /admin/reset?provider=NAME');
      return;
    }
    const name = new URL(request.url ?? '/', 'http://ccb').searchParams.get('provider');
    if (name === null || !router.targets().some((target) => target.name === name)) {
      sendError(response, 404, 'not_found_error', `no provider named ${JSON.stringify(name ?? '')}`);
      return;
    }
    router.reset(name);
    router.unbench(name);
    const body = JSON.stringify({ provider: name, reset: true });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };
}
