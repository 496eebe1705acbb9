import type { IncomingHttpHeaders } from 'node:http';
import { sessionIdHeader } from '@ccb/protocol';

/**
 * Header hygiene, both ways. Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and must not be
 * forwarded; undici also rejects several of them outright. `host` and `content-length` are recomputed.
 */
const dropped = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
  'content-length',
  'expect',
]);

/** What the proxy needs from the client's headers, read in one pass. */
export interface ClientHeaders {
  /** End-to-end headers to forward, as a flat `[name, value, …]` list (credentials, ids and via excluded). */
  readonly forward: string[];
  readonly apiKey: string | undefined;
  readonly authorization: string | undefined;
  readonly requestId: string | undefined;
  readonly via: string | undefined;
  /** Claude Code's `x-claude-code-session-id` (also forwarded). */
  readonly sessionId: string | undefined;
}

/** The client's `anthropic-beta` among the forwarded headers (Node joined repeated ones), `undefined` without one. */
export function anthropicBetaOf(headers: ClientHeaders): string | undefined {
  const forward = headers.forward;
  for (let index = 0; index < forward.length; index += 2) {
    if (forward[index] === 'anthropic-beta') return forward[index + 1];
  }
  return undefined;
}

/**
 * Splits the client's headers into what is forwarded and what the proxy itself acts on. Reads Node's parsed header
 * object (names already lower-cased, repeated fields already joined), which Node's server builds for every
 * request anyway: lower-casing the raw names again cost more than the rest of this function.
 */
export function readClientHeaders(headers: IncomingHttpHeaders): ClientHeaders {
  const forward: string[] = [];
  let connectionTokens: string | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    switch (name) {
      case 'x-api-key':
      case 'authorization':
      case 'x-request-id':
      case 'via':
        continue;
      case 'connection':
        connectionTokens = String(value);
        continue;
    }
    if (dropped.has(name) || name.charCodeAt(0) === 58 /* ':' pseudo-header */) continue;
    if (typeof value === 'string') forward.push(name, value);
    else for (const item of value) forward.push(name, item);
  }
  return {
    forward: connectionTokens === undefined ? forward : dropListed(forward, connectionTokens),
    apiKey: headers['x-api-key'] as string | undefined,
    authorization: headers.authorization,
    requestId: headers['x-request-id'] as string | undefined,
    via: headers.via,
    sessionId: headers[sessionIdHeader] as string | undefined,
  };
}

/** Response headers to send to the client as a flat list, hop-by-hop ones removed. */
export function filterResponseHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  transform?: (name: string, value: string) => string | undefined,
): string[] {
  const out: string[] = [];
  const connectionTokens = headers.connection;
  for (const name in headers) {
    if (dropped.has(name) && name !== 'content-length') continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      const kept = transform === undefined ? value : transform(name, value);
      if (kept !== undefined) out.push(name, kept);
    } else {
      for (const item of value) out.push(name, item);
    }
  }
  return connectionTokens === undefined ? out : dropListed(out, String(connectionTokens));
}

function dropListed(flat: string[], connectionValue: string): string[] {
  // Nearly every message says just `keep-alive` or `close`: nothing else to drop, and no allocation.
  const lower = connectionValue.length <= 10 ? connectionValue.toLowerCase() : '';
  if (lower === 'keep-alive' || lower === 'close') return flat;
  const listed = new Set(
    connectionValue
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== '' && token !== 'close' && token !== 'keep-alive'),
  );
  if (listed.size === 0) return flat;
  const kept: string[] = [];
  for (let index = 0; index < flat.length; index += 2) {
    const name = flat[index] as string;
    if (!listed.has(name)) kept.push(name, flat[index + 1] as string);
  }
  return kept;
}
