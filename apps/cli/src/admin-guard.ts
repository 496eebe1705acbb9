import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createClientAuth,
  discardRequestBody,
  type KeyFingerprint,
  type RequestListener,
  refuseRequest,
} from '@ccb/proxy';

/** Wraps an admin route (`/metrics`, `/admin/*`) so that only the admin key's holder gets through. */
export type AdminGuard = (route: RequestListener) => RequestListener;

export interface AdminGuardOptions {
  /** `auth.admin_key`; unset, the admin routes are open. */
  readonly adminKey: string | undefined;
  /** How a refused key is named in logs and metrics. */
  readonly fingerprint: KeyFingerprint;
  /** A request refused for its key, with the fingerprint of the key it sent (`none` without one). */
  readonly onRejected?: (fingerprint: string, request: IncomingMessage) => void;
}

/**
 * The guard of the admin routes: when `auth.admin_key` is set, only a request presenting it (as `x-api-key` or
 * `Authorization: Bearer`) gets through; others get 401 in Anthropic's error shape, and `onRejected` hears of it.
 */
export function createAdminGuard(options: AdminGuardOptions): AdminGuard {
  const { adminKey, onRejected } = options;
  const admin = createClientAuth(adminKey === undefined ? [] : [adminKey], options.fingerprint);
  return (route) => (request: IncomingMessage, response: ServerResponse) => {
    const header = request.headers['x-api-key'];
    const apiKey = typeof header === 'string' ? header : undefined;
    if (admin.verify(apiKey, request.headers.authorization) === undefined) {
      onRejected?.(admin.fingerprintOf(apiKey, request.headers.authorization), request);
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
