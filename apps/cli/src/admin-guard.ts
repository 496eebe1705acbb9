import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClientAuth, discardRequestBody, type KeyFingerprint, refuseRequest } from '@ccb/proxy';
import { isLoopback } from './is-loopback.js';
import type { RouteListener } from './route-table.js';

/**
 * Wraps an admin route (`/metrics`, `/admin/*`) so that only the admin key's holder gets through. A route that takes
 * a body (`takesBody`) reads it itself; any other has a small one drained and a large one refused.
 */
export type AdminGuard = <Listener extends RouteListener>(
  route: Listener,
  options?: { takesBody?: boolean },
) => Listener;

export interface AdminGuardOptions {
  /** `auth.admin_key`: any of them opens the admin routes. Empty: see {@link createAdminGuard}. */
  readonly adminKeys: readonly string[];
  /** With no admin key, answer clients beyond loopback too (`ccb serve --allow-open-admin`). Default false. */
  readonly allowOpenAdmin?: boolean;
  /** How a refused key is named in logs and metrics. */
  readonly fingerprint: KeyFingerprint;
  /** A request refused for its key, with the fingerprint of the key it sent (`none` without one). */
  readonly onRejected?: (fingerprint: string, request: IncomingMessage) => void;
}

/**
 * The guard of the admin routes. With `auth.admin_key` set, only a request presenting one of the keys (as
 * `x-api-key` or `Authorization: Bearer`) gets through. With none, only clients on this machine do: the peer address
 * is loopback (127.0.0.0/8, ::1, ::ffff:127.x) and the request names no other client through a proxy header,
 * unless `allowOpenAdmin`. Others get 401 in Anthropic's error shape, and `onRejected` hears of it.
 */
export function createAdminGuard(options: AdminGuardOptions): AdminGuard {
  const { adminKeys, onRejected } = options;
  const admin = createClientAuth(adminKeys, options.fingerprint);
  const openToAll = adminKeys.length === 0 && options.allowOpenAdmin === true;
  return <Listener extends RouteListener>(route: Listener, routeOptions: { takesBody?: boolean } = {}) =>
    ((
      request: IncomingMessage,
      response: ServerResponse,
      params: Readonly<Record<string, string>> = noParams,
    ) => {
      const header = request.headers['x-api-key'];
      const apiKey = typeof header === 'string' ? header : undefined;
      const refuse = (message: string) => {
        onRejected?.(admin.fingerprintOf(apiKey, request.headers.authorization), request);
        refuseRequest(request, response, 401, 'authentication_error', message);
      };
      if (adminKeys.length === 0) {
        if (!openToAll && !fromThisMachine(request)) {
          refuse(
            'admin endpoints answer only clients on loopback while no auth.admin_key is set; set auth.admin_key and send it as x-api-key or Authorization: Bearer',
          );
          return;
        }
      } else if (admin.verify(apiKey, request.headers.authorization) === undefined) {
        refuse('admin endpoints need auth.admin_key as x-api-key or Authorization: Bearer');
        return;
      }
      if (routeOptions.takesBody !== true && discardRequestBody(request, response)) return;
      route(request, response, params);
    }) as Listener;
}

const noParams: Readonly<Record<string, string>> = Object.freeze({});

/** Headers by which a reverse proxy names the client it relays for (RFC 7239 and the common ones before it). */
const relayHeaders = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host', 'via'] as const;

/**
 * True for a request from a loopback peer that was not relayed: a reverse proxy on this machine connects from
 * loopback on behalf of anyone, and says so in one of {@link relayHeaders} when configured to. A proxy that sends
 * none of them cannot be told from a local client: behind one, set `auth.admin_key` (docs/operations.md).
 */
function fromThisMachine(request: IncomingMessage): boolean {
  const peer = request.socket.remoteAddress;
  if (peer === undefined || !isLoopback(peer)) return false;
  return relayHeaders.every((name) => request.headers[name] === undefined);
}
