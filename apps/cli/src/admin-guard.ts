import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClientAuth, sendError } from '@ccb/proxy';

/**
 * Wraps an admin route (`/metrics`, `/admin/*`): when `auth.admin_key` is set, only a request presenting it (as
 * `x-api-key` or `Authorization: Bearer`) gets through; others get 401 in Anthropic's error shape.
 */
export function adminOnly(
  adminKey: string | undefined,
  route: (request: IncomingMessage, response: ServerResponse) => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  const admin = createClientAuth(adminKey === undefined ? [] : [adminKey]);
  return (request, response) => {
    request.resume();
    const apiKey = request.headers['x-api-key'];
    if (
      admin.verify(typeof apiKey === 'string' ? apiKey : undefined, request.headers.authorization) ===
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
    route(request, response);
  };
}
