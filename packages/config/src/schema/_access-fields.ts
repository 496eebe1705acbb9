import { isIPv6 } from 'node:net';
import { parseApiRoutePattern } from '@ccb/protocol';
import { z } from 'zod';
import { quote } from '../_friendly-message.js';

// A host name (DNS labels, `_` allowed for container names), an IPv4 address, or a bracketed IPv6 address.
const hostPart = String.raw`(?:\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*)`;
const hostEntryPattern = new RegExp(`^(${hostPart})(?::([0-9]{1,5}))?$`);
const originPattern = new RegExp(`^([a-z][a-z0-9+.-]*)://(${hostPart})(?::([0-9]{1,5}))?$`);
const defaultPorts: Readonly<Record<string, string>> = { http: '80', https: '443' };

function fail(context: z.core.ParsePayload<string>, message: string): never {
  context.issues.push({ code: 'custom', input: context.value, message });
  return z.NEVER as never;
}

function validHost(host: string): boolean {
  return !host.startsWith('[') || isIPv6(host.slice(1, -1));
}

function validPort(port: string | undefined): boolean {
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
}

/** One `server.allowed_hosts` entry: `name` or `name:port`, output lower-cased. */
export function allowedHostField() {
  return z.string().transform((value, context) => {
    const lower = value.toLowerCase();
    if (lower.includes('*'))
      return fail(context, `wildcards are not supported, list each name; got ${quote(value)}`);
    const match = hostEntryPattern.exec(lower);
    if (match === null || !validHost(match[1] as string) || !validPort(match[2])) {
      return fail(
        context,
        `expected a host name, IP address or [IPv6 address] with an optional :port, such as "ccb.internal" or "192.168.1.5:8000" (no scheme, no path); got ${quote(value)}`,
      );
    }
    return lower;
  });
}

/** One `server.cors_origins` entry, output as browsers send `Origin`: lower case, no default port. */
export function corsOriginField() {
  return z.string().transform((value, context) => {
    const lower = value.toLowerCase();
    if (lower === 'null') {
      return fail(
        context,
        'the origin "null" cannot be allowed: sandboxed frames and local files send it, so any page could',
      );
    }
    if (lower.includes('*')) {
      return fail(context, `wildcards are not supported, list each origin; got ${quote(value)}`);
    }
    const match = originPattern.exec(lower);
    if (match === null || !validHost(match[2] as string) || !validPort(match[3])) {
      return fail(
        context,
        `expected an origin such as "https://app.example.com" or "http://localhost:3000": a scheme, a host and an optional port, no path (not even a trailing "/"); got ${quote(value)}`,
      );
    }
    const [, scheme, host, port] = match as unknown as [string, string, string, string | undefined];
    return port === undefined || defaultPorts[scheme] === String(Number(port))
      ? `${scheme}://${host}`
      : `${scheme}://${host}:${Number(port)}`;
  });
}

/** One `server.extra_api_routes` entry: `"METHOD /v1/path"`, a `*` segment standing for any one segment. */
export function apiRouteField() {
  return z.string().superRefine((value, context) => {
    const pattern = parseApiRoutePattern(value);
    if ('problem' in pattern) {
      context.addIssue({
        code: 'custom',
        input: value,
        message: `route ${quote(value)}: ${pattern.problem}`,
      });
    }
  });
}
