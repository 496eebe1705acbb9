import { anthropicErrorBody, errorTypeForStatus, isAnthropicErrorBody } from '@ccb/protocol';
import { decodeBody } from './decoded-copy.js';
import type { RelayedError, RelayedErrorScrubber, ScrubbedError } from './relayed-error-scrubber.js';

/** Largest error body read for its message once decoded (real ones are a few hundred bytes). */
const maxReadInBytes = 64 * 1024;
/** Longest upstream message kept in the normalised error. */
const maxMessageLength = 500;

/**
 * An upstream error answer in Anthropic's shape (`{"type":"error","error":{"type","message"}}`), for a third party
 * whose errors are "not always Anthropic-shaped" (protocol notes §10: "Normalise their errors before returning
 * them"): SDKs and Claude Code read `error.type` and `error.message`, and show nothing useful otherwise. An answer
 * already in that shape is returned as is; otherwise the type follows the status and the message is the upstream's
 * own (`error.message`, `message`, `msg`, `error`, `detail`, or the text itself), headers kept but for the body's
 * encoding and length.
 */
export function normalizeErrorAnswer(answer: ScrubbedError): ScrubbedError {
  const decoded = decodeBody(answer.body, answer.headers['content-encoding'], maxReadInBytes);
  if (decoded === undefined) return answer;
  const text = decoded.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isAnthropicErrorBody(parsed)) return answer;
  const message = (messageOf(parsed) ?? text.trim()).slice(0, maxMessageLength);
  const body = Buffer.from(
    anthropicErrorBody(
      errorTypeForStatus(answer.status),
      message === '' ? `upstream answered ${answer.status}` : message,
    ),
  );
  const {
    'content-encoding': _encoding,
    'content-length': _length,
    'content-type': _type,
    ...headers
  } = answer.headers;
  return {
    status: answer.status,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
  };
}

/** Normalising scrubbers by the snapshot's scrubber (`null`: none), so an attempt allocates none. */
const normalizing = new WeakMap<RelayedErrorScrubber, RelayedErrorScrubber>();
const normalizingOnly: RelayedErrorScrubber = { scrub: (error) => normalizeRelayed(error, undefined) };

/** `scrubber`, then {@link normalizeErrorAnswer}: what a third party's attempts relay errors with. */
export function normalizingScrubber(scrubber: RelayedErrorScrubber | undefined): RelayedErrorScrubber {
  if (scrubber === undefined) return normalizingOnly;
  let wrapped = normalizing.get(scrubber);
  if (wrapped === undefined) {
    wrapped = { scrub: (error) => normalizeRelayed(error, scrubber) };
    normalizing.set(scrubber, wrapped);
  }
  return wrapped;
}

function normalizeRelayed(error: RelayedError, scrubber: RelayedErrorScrubber | undefined): ScrubbedError {
  if (error.body === undefined) {
    if (scrubber !== undefined) return scrubber.scrub(error);
    const body = Buffer.from(
      anthropicErrorBody(errorTypeForStatus(error.status), 'upstream error body over 1 MiB withheld'),
    );
    return {
      status: error.status,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
    };
  }
  // Scrubbed before the message is cut to length: a secret across the cut would leave a prefix no scrubber matches.
  const relayed = { status: error.status, headers: error.headers, body: error.body };
  return normalizeErrorAnswer(scrubber === undefined ? relayed : scrubber.scrub(relayed));
}

/** The message of the common error shapes of third parties (OpenAI-style, `{message}`, `{msg}`, `{detail}`). */
function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'object' && error !== null) {
    const nested = (error as Record<string, unknown>).message;
    if (typeof nested === 'string') return nested;
  }
  for (const key of ['message', 'msg', 'error', 'detail']) {
    const field = record[key];
    if (typeof field === 'string') return field;
  }
  return undefined;
}
