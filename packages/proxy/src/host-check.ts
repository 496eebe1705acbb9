import { isIPv6 } from 'node:net';
import { ProxyError } from './proxy-error.js';

/** Whether a request's `Host` names this ccb; a request without one (HTTP/1.0) is not a browser's and passes. */
export type HostCheck = (host: string | undefined) => boolean;

/**
 * Names that always mean this machine. A page can only make a browser send one of them as `Host` by being served
 * from this machine itself: DNS rebinding needs a name the attacker's DNS answers for.
 */
export const loopbackHostNames: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The parts of a `Host` value (RFC 9110 §7.2: `uri-host [":" port]`), the name lower-cased. */
interface HostParts {
  readonly name: string;
  readonly port: string | undefined;
}

// Accepted `Host` values as sent, so a client repeating one costs a single lookup; bounded, since every port of
// an accepted name is accepted and a client could otherwise grow it without end.
const maxRemembered = 64;

/**
 * The `Host` check against DNS rebinding: a page at `http://evil.example:8000` whose name the attacker re-points at
 * 127.0.0.1 reaches ccb as same-origin, but its requests still say `Host: evil.example:8000`. Accepted: the loopback
 * names, the address or name the server listens on, and `allowedHosts`, all case-insensitive. A name given without a
 * port is accepted with any port (the port a client dialled differs from ccb's behind an SSH tunnel or a Docker port
 * map, and a rebinding page can use ccb's own port anyway, so the port adds no protection); one given with a port
 * only with that port.
 * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for an allowed host that is not `name` or `name:port`.
 */
export function createHostCheck(listenHost: string, allowedHosts: readonly string[]): HostCheck {
  const anyPort = new Set(loopbackHostNames);
  anyPort.add(isIPv6(listenHost) ? `[${listenHost.toLowerCase()}]` : listenHost.toLowerCase());
  const withPort = new Set<string>();
  for (const entry of allowedHosts) {
    const parts = splitHost(entry);
    if (parts === undefined) {
      throw new ProxyError(
        'CCB_PROXY_INVALID_OPTIONS',
        `allowed host "${entry}" is not a host name, IP address or [IPv6 address], with an optional :port`,
      );
    }
    if (parts.port === undefined) anyPort.add(parts.name);
    else withPort.add(`${parts.name}:${parts.port}`);
  }
  const remembered = new Set<string>();
  return (host) => {
    if (host === undefined || remembered.has(host)) return true;
    const parts = splitHost(host);
    if (parts === undefined) return false;
    const accepted =
      anyPort.has(parts.name) || (parts.port !== undefined && withPort.has(`${parts.name}:${parts.port}`));
    if (accepted && remembered.size < maxRemembered) remembered.add(host);
    return accepted;
  };
}

// DNS labels, leniently: `_` is common in container and service names.
const hostName = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;
const port = /^[0-9]{1,5}$/;

/** A `Host` value's name (lower-cased, a final dot dropped) and port; `undefined` when it is not one. */
function splitHost(value: string): HostParts | undefined {
  const lower = value.toLowerCase();
  let name: string;
  let rest: string;
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    if (end === -1 || !isIPv6(lower.slice(1, end))) return undefined;
    name = lower.slice(0, end + 1);
    rest = lower.slice(end + 1);
  } else {
    const colon = lower.indexOf(':');
    name = colon === -1 ? lower : lower.slice(0, colon);
    rest = colon === -1 ? '' : lower.slice(colon);
    if (name.endsWith('.')) name = name.slice(0, -1);
    if (!hostName.test(name)) return undefined;
  }
  if (rest === '' || rest === ':') return { name, port: undefined };
  if (rest.charCodeAt(0) !== 0x3a || !port.test(rest.slice(1))) return undefined;
  return { name, port: String(Number(rest.slice(1))) };
}
