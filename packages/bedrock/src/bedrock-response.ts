import type { IncomingHttpHeaders } from 'node:http';
import { anthropicErrorBody, errorTypeForStatus } from '@ccb/protocol';
import { anthropicErrorOf } from './bedrock-errors.js';
import { sseOfBedrockMessage } from './bedrock-sse.js';
import { EventStreamDecoder } from './event-stream-decoder.js';

/** An upstream error answer in Anthropic's shape (structurally the proxy's `TranslatedError`). */
export interface BedrockTranslatedError {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Turns one Bedrock answer into Anthropic's (structurally the proxy's `ResponseTranslator`). */
export interface BedrockResponseTranslator {
  readonly contentType: string;
  readonly reframes: boolean;
  /** Bedrock's request id header, which the proxy copies to `request-id`. */
  readonly requestIdHeader: string;
  transform(chunk: Buffer): Buffer | undefined;
  flush(): Buffer | undefined;
  errorAnswer(status: number, headers: IncomingHttpHeaders, body: Buffer): BedrockTranslatedError;
}

/** Where Bedrock puts its request id. */
const bedrockRequestIdHeader = 'x-amzn-requestid';

/** InvokeModelWithResponseStream: event-stream frames in, the Anthropic SSE the first-party API sends out. */
export class BedrockStreamTranslator implements BedrockResponseTranslator {
  readonly contentType = 'text/event-stream; charset=utf-8';
  readonly reframes = true;
  readonly requestIdHeader = bedrockRequestIdHeader;
  readonly #decoder = new EventStreamDecoder();

  transform(chunk: Buffer): Buffer | undefined {
    const messages = this.#decoder.push(chunk);
    if (messages.length === 0) return undefined;
    if (messages.length === 1) return sseOfBedrockMessage(messages[0] as (typeof messages)[0]);
    const parts: Buffer[] = [];
    for (const message of messages) {
      const sse = sseOfBedrockMessage(message);
      if (sse !== undefined) parts.push(sse);
    }
    return Buffer.concat(parts);
  }

  flush(): undefined {
    this.#decoder.end();
    return undefined;
  }

  errorAnswer(status: number, headers: IncomingHttpHeaders, body: Buffer): BedrockTranslatedError {
    return bedrockErrorAnswer(status, headers, body);
  }
}

/** InvokeModel: the body is already the Messages API's JSON answer; only errors change shape. */
export const bedrockJsonTranslator: BedrockResponseTranslator = Object.freeze({
  contentType: 'application/json',
  reframes: false,
  requestIdHeader: bedrockRequestIdHeader,
  transform: (chunk: Buffer) => chunk,
  flush: () => undefined,
  errorAnswer: bedrockErrorAnswer,
});

/**
 * A Bedrock error (`x-amzn-errortype: ThrottlingException:…` and `{"message": …}`) as Anthropic's: the status and
 * `error.type` of {@link anthropicErrorOf} (throttling 429, unavailable 529, validation 400), the message kept. An
 * answer without the header (a load balancer's) keeps its status.
 */
export function bedrockErrorAnswer(
  status: number,
  headers: IncomingHttpHeaders,
  body: Buffer,
): BedrockTranslatedError {
  const errorType = headers['x-amzn-errortype'];
  const named = typeof errorType === 'string' && errorType !== '';
  const mapping = named ? anthropicErrorOf(errorType) : { status, type: errorTypeForStatus(status) };
  const message = readMessage(body) ?? (named ? errorType.split(':', 1)[0] : `upstream status ${status}`);
  const requestId = headers[bedrockRequestIdHeader];
  return {
    status: mapping.status,
    headers: { ...headers, 'content-type': 'application/json' },
    body: Buffer.from(
      anthropicErrorBody(
        mapping.type,
        message as string,
        typeof requestId === 'string' ? requestId : undefined,
      ),
    ),
  };
}

function readMessage(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    return typeof message === 'string' && message !== '' ? message : undefined;
  } catch {
    return undefined;
  }
}
