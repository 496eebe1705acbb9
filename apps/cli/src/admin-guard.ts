import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClientAuth, discardRequestBody, refuseRequest } from '@ccb/proxy';

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
    const apiKey = request.headers['x-api-key'];
    if (
      admin.verify(typeof apiKey === 'string' ? apiKey : undefined, request.headers.authorization) ===
      undefined
    ) {
      refuseRequest(
        request,
        response,
        401,
        'authentication_error',
        'admin endpoints need auth.admin_key as x-api-key or Authorization: Bearer',
      );
      return;
    }
    // No admin route takes a body: a small one is drained, a large one refused.
    if (discardRequestBody(request, response)) return;
    route(request, response);
  };
}
