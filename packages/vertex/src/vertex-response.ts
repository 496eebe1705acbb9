import type { IncomingHttpHeaders } from 'node:http';
import { anthropicErrorBody, isAnthropicErrorBody } from '@ccb/protocol';
import { anthropicErrorOfGoogle } from './google-errors.js';

/** An upstream error answer in Anthropic's shape (structurally the proxy's `TranslatedError`). */
export interface VertexTranslatedError {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Reads one Vertex answer as Anthropic's (structurally the proxy's `ResponseTranslator`). */
export interface VertexResponseTranslator {
  readonly contentType: string;
  readonly reframes: boolean;
  transform(chunk: Buffer): Buffer | undefined;
  flush(): Buffer | undefined;
  errorAnswer(status: number, headers: IncomingHttpHeaders, body: Buffer): VertexTranslatedError;
}

const identity = (chunk: Buffer) => chunk;
const nothing = () => undefined;

/**
 * rawPredict: Claude on Vertex answers with the Messages API's own JSON, so a 2xx body passes as it came; only errors
 * change shape.
 */
export const vertexJsonTranslator: VertexResponseTranslator = Object.freeze({
  contentType: 'application/json',
  reframes: false,
  transform: identity,
  flush: nothing,
  errorAnswer: vertexErrorAnswer,
});

/** streamRawPredict: the answer is already Anthropic's SSE; each chunk passes untouched, never re-framed. */
export const vertexStreamTranslator: VertexResponseTranslator = Object.freeze({
  contentType: 'text/event-stream; charset=utf-8',
  reframes: false,
  transform: identity,
  flush: nothing,
  errorAnswer: vertexErrorAnswer,
});

/**
 * A Vertex error as Anthropic's. Two kinds reach a client: the model's own errors, already Anthropic-shaped
 * (`{"type":"error","error":{"type":"invalid_request_error",…}}`), which pass verbatim with their status; and Google's
 * (`{"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED"}}`, sometimes wrapped in an array), whose
 * canonical code gives the status and `error.type` ({@link anthropicErrorOfGoogle}), the message kept. Anything else
 * (HTML from a front end, an empty body) keeps its status with the type Anthropic uses for it.
 */
export function vertexErrorAnswer(
  status: number,
  headers: IncomingHttpHeaders,
  body: Buffer,
): VertexTranslatedError {
  const parsed = parse(body);
  if (isAnthropicErrorBody(parsed)) return { status, headers, body };
  const google = googleErrorOf(parsed);
  const mapping = anthropicErrorOfGoogle(google?.status, status);
  const message =
    google?.message ?? (google?.status !== undefined ? google.status : `upstream status ${status}`);
  return {
    status: mapping.status,
    headers: { ...headers, 'content-type': 'application/json' },
    body: Buffer.from(anthropicErrorBody(mapping.type, message)),
  };
}

function parse(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function googleErrorOf(value: unknown): { status?: string; message?: string } | undefined {
  const outer = Array.isArray(value) ? value[0] : value;
  const error = (outer as { error?: unknown } | null | undefined)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, message } = error as { status?: unknown; message?: unknown };
  return {
    ...(typeof status === 'string' ? { status } : {}),
    ...(typeof message === 'string' && message !== '' ? { message } : {}),
  };
}
