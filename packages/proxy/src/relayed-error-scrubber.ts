import type { IncomingHttpHeaders } from 'node:http';
import { anthropicErrorBody, errorTypeForStatus } from '@ccb/protocol';
import { decodeBody } from './decoded-copy.js';

/** What a secret reads as in a relayed answer (the logger's word for it too). */
export const redactedText = '[redacted]';

/** Largest error body checked, once decoded: as much as is held as received (real ones are a few hundred bytes). */
const maxCheckedBodyBytes = 1024 * 1024;

/** An upstream error answer on its way to the client. */
export interface RelayedError {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The whole body as received; `undefined` when it was too large to hold, so it cannot be checked. */
  readonly body: Buffer | undefined;
}

/** The answer the client gets in its place. */
export interface ScrubbedError {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Removes secrets from the upstream error answers ccb relays, so that a provider echoing its key (in a message, a
 * debug header, an HTML page) never shows it to the client. Only error answers are checked: they are held whole
 * anyway, and a success stream is never scanned.
 */
export interface RelayedErrorScrubber {
  /**
   * `error` itself when it holds no secret (a compressed body then stays as sent); otherwise a copy whose header
   * values and decoded body read `[redacted]` where a secret was (sent without `content-encoding`, with a
   * matching `content-length` when the upstream sent one). A body that cannot be checked (over 1 MiB, an encoding
   * ccb cannot decode, or more than 1 MiB once decoded) is withheld: ccb's own error in Anthropic's shape with the
   * same status takes its place.
   */
  scrub(error: RelayedError): ScrubbedError;
}

/**
 * A scrubber for `secrets`, matched as they are and JSON-escaped, longest first so a secret containing another is
 * removed whole; `undefined` when there is none, so that relaying costs nothing then. Empty strings are ignored;
 * the caller leaves out values too short to be secrets (they would match ordinary words).
 */
export function createRelayedErrorScrubber(secrets: readonly string[]): RelayedErrorScrubber | undefined {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(asBytes(secret));
    forms.add(asBytes(JSON.stringify(secret).slice(1, -1)));
  }
  if (forms.size === 0) return undefined;
  const pattern = new RegExp(
    [...forms]
      .sort((left, right) => right.length - left.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  /** `text` with every secret replaced, or `undefined` when it holds none. */
  const scrubText = (text: string): string | undefined =>
    text.search(pattern) === -1 ? undefined : text.replace(pattern, redactedText);
  return {
    scrub(error) {
      const headers = scrubHeaders(error.headers, scrubText);
      if (error.body === undefined) return withheld(error.status, headers, 'it is over 1 MiB');
      const encoding = error.headers['content-encoding'];
      const decoded = decodeBody(error.body, encoding, maxCheckedBodyBytes);
      if (decoded === undefined) {
        return withheld(
          error.status,
          headers,
          `its content-encoding (${String(encoding)}) could not be decoded within 1 MiB`,
        );
      }
      const scrubbed = scrubText(decoded.toString('latin1'));
      if (scrubbed === undefined) {
        return headers === error.headers
          ? (error as ScrubbedError)
          : { status: error.status, headers, body: error.body };
      }
      const body = Buffer.from(scrubbed, 'latin1');
      return { status: error.status, headers: withBody(headers, body, undefined), body };
    },
  };
}

/**
 * Bodies and header values are matched as bytes (latin1 strings, the form undici gives header values in), so that
 * any byte sequence, valid UTF-8 or not, is searched and written back unchanged outside the secrets.
 */
function asBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `headers` itself when no name or value holds a secret; else a copy with those values scrubbed (names: dropped). */
function scrubHeaders(
  headers: IncomingHttpHeaders,
  scrubText: (text: string) => string | undefined,
): IncomingHttpHeaders {
  let copy: IncomingHttpHeaders | undefined;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (scrubText(name) !== undefined) {
      copy ??= { ...headers };
      delete copy[name];
      continue;
    }
    let scrubbed: string | string[] | undefined;
    if (typeof value === 'string') scrubbed = scrubText(value);
    else if (value.some((item) => scrubText(item) !== undefined))
      scrubbed = value.map((item) => scrubText(item) ?? item);
    if (scrubbed === undefined) continue;
    copy ??= { ...headers };
    copy[name] = scrubbed;
  }
  return copy ?? headers;
}

/** The headers of a body ccb rewrote: no `content-encoding` (it is decoded), the new length where one was sent. */
function withBody(
  headers: IncomingHttpHeaders,
  body: Buffer,
  contentType: string | undefined,
): IncomingHttpHeaders {
  const copy: IncomingHttpHeaders = { ...headers };
  delete copy['content-encoding'];
  // Without a length (chunked) the relay may still append an SSE error event to the body.
  if (copy['content-length'] !== undefined || contentType !== undefined)
    copy['content-length'] = String(body.length);
  if (contentType !== undefined) copy['content-type'] = contentType;
  return copy;
}

/** ccb's own error with the upstream's status and (scrubbed) headers, in place of a body it could not check. */
function withheld(status: number, headers: IncomingHttpHeaders, why: string): ScrubbedError {
  const body = Buffer.from(
    anthropicErrorBody(
      errorTypeForStatus(status),
      `ccb withheld the upstream's error body: ${why}, so it could not be checked for secrets`,
    ),
  );
  return { status, headers: withBody(headers, body, 'application/json'), body };
}
