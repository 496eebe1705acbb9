import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { discardRequestBody } from './refuse-request.js';

/** Cross-origin access for the web origins an operator trusts (`server.cors_origins`). */
export interface CorsPolicy {
  /** Whether pages of `origin` (the `Origin` header as the browser sent it) may call ccb. */
  allows(origin: string): boolean;
  /** Answers a preflight from an allowed origin: 204, never forwarded. */
  answerPreflight(request: IncomingMessage, response: ServerResponse, origin: string): void;
  /** Makes the response, whoever writes it, carry the CORS headers a page of `origin` needs to read it. */
  decorate(response: ServerResponse, origin: string): void;
}

/**
 * Response headers a browser client reads, exposed to it (CORS hides all but a few by default): the request ids,
 * the provider that served, when to retry, and the rate limits (https://docs.claude.com/en/api/rate-limits).
 */
export const exposedHeaders = [
  'request-id',
  'x-request-id',
  'x-ccb-provider',
  'x-ccb-dedup',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  ...['requests', 'tokens', 'input-tokens', 'output-tokens'].flatMap((limit) =>
    ['limit', 'remaining', 'reset'].map((part) => `anthropic-ratelimit-${limit}-${part}`),
  ),
].join(', ');

/** How long a browser may cache a preflight answer, in seconds; Chromium caps it at 7200. */
const preflightMaxAgeInSeconds = 7200;

/**
 * The CORS policy for `origins` (exact origins such as `https://app.example.com`, compared as browsers serialise
 * them: lower case, no default port, no path). `methods` are those a preflight may ask for.
 */
export function createCorsPolicy(origins: readonly string[], methods: readonly string[]): CorsPolicy {
  const allowed = new Set(origins.map((origin) => origin.toLowerCase()));
  const allowMethods = methods.join(', ');
  return {
    allows: (origin) => allowed.has(origin),
    answerPreflight(request, response, origin) {
      if (discardRequestBody(request, response)) return;
      const headers = [
        'access-control-allow-origin',
        origin,
        'access-control-allow-methods',
        allowMethods,
        'access-control-max-age',
        String(preflightMaxAgeInSeconds),
        'vary',
        'origin, access-control-request-method, access-control-request-headers',
      ];
      // The origin is trusted: whatever headers its client sends (the SDK's x-stainless-*, anthropic-*) may come.
      const requested = request.headers['access-control-request-headers'];
      if (requested !== undefined) headers.push('access-control-allow-headers', requested);
      // Chromium's Private Network Access asks before a public page may call a loopback or LAN address.
      if (request.headers['access-control-request-private-network'] === 'true') {
        headers.push('access-control-allow-private-network', 'true');
      }
      response.writeHead(204, headers);
      response.end();
    },
    decorate(response, origin) {
      const extra = ['access-control-allow-origin', origin, 'access-control-expose-headers', exposedHeaders];
      const writeHead = response.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
      // An own `writeHead` that adds the headers to whatever list the writer passes: every writer (the relay, error
      // answers, the CLI's routes, Node's implicit headers) goes through it. `setHeader` would not do: once used,
      // Node merges a later `writeHead` list by `setHeader`, which keeps only the last of repeated fields.
      response.writeHead = function corsWriteHead(
        this: ServerResponse,
        statusCode: number,
        reasonOrHeaders?: string | OutgoingHttpHeaders | readonly string[],
        headers?: OutgoingHttpHeaders | readonly string[],
      ) {
        if (typeof reasonOrHeaders === 'string') {
          return writeHead.call(this, statusCode, reasonOrHeaders, withCors(this, headers, extra));
        }
        return writeHead.call(this, statusCode, withCors(this, reasonOrHeaders, extra));
      } as ServerResponse['writeHead'];
    },
  };
}

/**
 * `headers` as a flat list with `extra` added, `origin` added to the first `vary` (there or set before) instead of
 * replacing it, and any `access-control-*` header of the upstream's left out: ccb answers for CORS, and a second
 * `access-control-allow-origin` would make the browser refuse the response.
 */
function withCors(
  response: ServerResponse,
  headers: OutgoingHttpHeaders | readonly string[] | undefined,
  extra: readonly string[],
): string[] {
  const flat: string[] = [];
  let varies = false;
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('access-control-')) return;
    if (lower === 'vary' && !varies) {
      varies = true;
      flat.push(name, `${value}, origin`);
    } else flat.push(name, value);
  };
  if (Array.isArray(headers)) {
    for (let index = 0; index < headers.length; index += 2) add(headers[index], headers[index + 1]);
  } else if (headers !== undefined) {
    for (const name in headers) {
      const value = (headers as OutgoingHttpHeaders)[name];
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) add(name, item);
      else add(name, String(value));
    }
  }
  if (!varies) {
    const set = response.getHeader('vary');
    flat.push('vary', set === undefined ? 'origin' : `${String(set)}, origin`);
  }
  flat.push(...extra);
  return flat;
}
