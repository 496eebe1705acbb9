import type { IncomingHttpHeaders } from 'node:http';
import { type AttemptOutcome, classifyResponse, maxReadableErrorBytes, readErrorBody } from '@ccb/protocol';
import { decodedCopy } from './decoded-copy.js';

/** The outcome of an upstream that sent an SSE `error` event (before or after content): the provider's failure. */
export function inBandErrorOutcome(
  status: number,
  headers: IncomingHttpHeaders,
  error: { readonly type: string; readonly message: string },
): AttemptOutcome {
  return {
    result: 'failure',
    failure: 'stream',
    status,
    errorType: error.type,
    errorMessage: error.message,
    headers,
  };
}

/** What an upstream error answer means for the attempt. */
export interface Verdict {
  readonly outcome: AttemptOutcome;
  /** The provider is at fault: try the next one, and hold this answer in case none does better. */
  readonly failsOver: boolean;
}

/** An upstream answer of status 400 or more, as the attempt has it. */
export interface ErrorAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The whole body as received, or `undefined` when it was too large to hold: then the status alone decides. */
  readonly body: Buffer | undefined;
  /** The client's own credential went upstream (passthrough): a 401 or 403 judges the client's key. */
  readonly clientCredentials: boolean;
}

/**
 * Judges an error answer: the provider's failure (429, 5xx, 529, credentials, an account problem in a 400) fails
 * over; the client's own 4xx passes through untouched. A body too large to hold is judged by its status, so a 5xx
 * stays the provider's failure whatever its size.
 */
export function failureVerdict(answer: ErrorAnswer): Verdict {
  const { status, headers, body } = answer;
  const error =
    body === undefined
      ? undefined
      : // Decoding stops just past what readErrorBody reads at all.
        readErrorBody(decodedCopy(body, headers['content-encoding'], maxReadableErrorBytes + 1));
  const outcome = classifyResponse({ status, headers, error, clientCredentials: answer.clientCredentials });
  return { outcome, failsOver: outcome.result === 'failure' };
}

/** What the stream's observer saw by the end, as {@link streamEndFault} reads it. */
export interface StreamEndSeen {
  readonly error: { readonly type: string; readonly message: string } | undefined;
  readonly sawMessageStop: boolean;
  readonly malformed: boolean;
}

/** How a committed stream's end falls short of a whole answer. */
export interface StreamEndFault {
  readonly outcome: AttemptOutcome;
  readonly reason: string;
  /** The client has not been told: the stream ends with ccb's own SSE `error` event rather than just stopping. */
  readonly endWithError: boolean;
}

/**
 * Judges the end of a committed `200` stream: the upstream's own `error` event after content (already relayed to
 * the client), a stream malformed or cut before `message_stop` (the client must be told), or, `undefined`, a whole
 * answer. All but the last are the provider's failure.
 */
export function streamEndFault(
  seen: StreamEndSeen,
  headers: IncomingHttpHeaders,
): StreamEndFault | undefined {
  if (seen.error !== undefined) {
    return {
      outcome: inBandErrorOutcome(200, headers, seen.error),
      reason: `in-band ${seen.error.type} after content`,
      endWithError: false,
    };
  }
  if (seen.sawMessageStop && !seen.malformed) return undefined;
  return {
    outcome: { result: 'failure', failure: seen.malformed ? 'protocol' : 'stream', status: 200, headers },
    reason: seen.malformed ? 'malformed stream' : 'stream ended without message_stop',
    endWithError: true,
  };
}
