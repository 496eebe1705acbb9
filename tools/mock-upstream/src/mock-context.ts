import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultErrorMessage, renderErrorBody } from './anthropic-error.js';
import type { MockBedrockOptions } from './bedrock-options.js';
import type { CountSignal } from './count-signal.js';
import type { FaultQueue } from './fault-queue.js';
import type { IdSource } from './id-source.js';
import type { LeanReplyCache } from './lean-reply-cache.js';
import type { RecordedRequest } from './mock-upstream.js';
import type { OAuthMode } from './oauth-mode.js';
import type { PromptCache } from './prompt-cache.js';
import type { VertexMode } from './vertex-options.js';

/** Settings and state shared by every request of one mock (internal). */
export interface MockContext {
  readonly name: string;
  readonly lean: boolean;
  readonly streamEvents: number;
  readonly streamIntervalInMs: number;
  readonly replyText: string | undefined;
  readonly apiKey: string | undefined;
  /** `Bearer <apiKey>`, precomputed so auth is one comparison. */
  readonly bearerAuthorization: string | undefined;
  readonly maxRequestBodyInBytes: number;
  /** Bytes of a body kept (lean mode's `leanBodyHeadInBytes`); the rest is read and dropped. */
  readonly bodyHeadInBytes: number;
  /** `x-mock-upstream` and the rate-limit headers as a flat `[name, value, …]` list (Node's fastest form). */
  readonly baseHeaders: readonly string[];
  readonly baseHeaderObject: Readonly<Record<string, string>>;
  readonly now: () => number;
  readonly ids: IdSource;
  readonly faults: FaultQueue;
  readonly received: CountSignal;
  readonly aborts: CountSignal;
  readonly leanReplies: LeanReplyCache | undefined;
  /** Set when the `promptCache` option is on, outside lean mode. */
  readonly promptCache: PromptCache | undefined;
  /** Set when the `bedrock` option is on: `/model/{id}/invoke…` is served as Bedrock serves it. */
  readonly bedrock: MockBedrockOptions | undefined;
  /** Set when the `vertex` option is on: `…:rawPredict`, `…:streamRawPredict` and `POST /token` are served as Google does. */
  readonly vertex: VertexMode | undefined;
  /** Third-party mode (`MockUpstreamOptions.thirdParty`): no count_tokens, server tools or context management. */
  readonly thirdParty: boolean;
  /** Set when the `oauth` option is on: Bearer tokens from the mock's token endpoint are required. */
  readonly oauth: OAuthMode | undefined;
  /** Whose key signs this mock's thinking blocks; history must be signed with it (`anthropic` by default). */
  readonly signatureDomain: string;
  /** `anthropic`: mints `toolu_…` and refuses other ids; `functions`: mints `functions.<name>:<n>`, accepts any. */
  readonly toolIdStyle: 'anthropic' | 'functions';
  /** Tool calls minted in the `functions` style, for their `:<n>`. */
  toolCalls: number;
  requests: RecordedRequest[];
  activeRequests: number;
  closing: boolean;
}

/** One request/response pair (internal). */
export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  /** Set when the mock itself cuts the connection (reset, drop), so it is not counted as a client abort. */
  serverClosed: boolean;
  /** The pending `delay` fault timer, cleared if the client leaves first. */
  timer: NodeJS.Timeout | undefined;
  /** Headers of this response only (an OAuth account's unified rate-limit headers), as a flat list. */
  headers: string[] | undefined;
}

/** Headers of a 200 SSE response (protocol §4). */
export function writeStreamHead(context: MockContext, exchange: Exchange): void {
  exchange.response.writeHead(
    200,
    context.baseHeaders.concat(
      'request-id',
      exchange.requestId,
      'content-type',
      'text/event-stream; charset=utf-8',
      'cache-control',
      'no-cache',
      exchange.headers ?? [],
    ),
  );
}

/**
 * Sends a complete response with the mock's base headers, `request-id` and `content-length`.
 * `extraHeaders` (lower-case names) override the defaults, e.g. a fault's `retry-after`.
 */
export function sendBody(
  context: MockContext,
  exchange: Exchange,
  status: number,
  body: string | Buffer,
  extraHeaders?: Readonly<Record<string, string>>,
): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (extraHeaders === undefined) {
    exchange.response.writeHead(
      status,
      context.baseHeaders.concat(
        'request-id',
        exchange.requestId,
        'content-type',
        'application/json',
        'content-length',
        String(length),
        exchange.headers ?? [],
      ),
    );
  } else {
    exchange.response.writeHead(status, {
      ...context.baseHeaderObject,
      'request-id': exchange.requestId,
      'content-type': 'application/json',
      ...extraHeaders,
      'content-length': String(length),
    });
  }
  exchange.response.end(body);
}

/** Sends an Anthropic-shaped error (`{"type":"error","error":{…},"request_id"}`). */
export function sendError(
  context: MockContext,
  exchange: Exchange,
  status: number,
  errorType: string,
  message: string = defaultErrorMessage(errorType),
  extraHeaders?: Readonly<Record<string, string>>,
): void {
  sendBody(context, exchange, status, renderErrorBody(errorType, message, exchange.requestId), extraHeaders);
}
