import type { IncomingHttpHeaders } from 'node:http';
import type { MockBedrockOptions } from './bedrock-options.js';
import type { Fault } from './fault.js';
import type { MockOAuth, MockOAuthOptions } from './mock-oauth.js';
import type { PromptCacheOptions, PromptCacheStats } from './prompt-cache.js';
import type { MockVertex, MockVertexOptions } from './vertex-options.js';

/** Options of {@link createMockUpstream}; every field is optional. */
export interface MockUpstreamOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port. Default `0` (the OS picks a free one; read it back from `MockUpstream.port`). */
  port?: number;
  /** Sent as `x-mock-upstream: <name>` on every response and used in the reply text. Printable ASCII. Default `mock`. */
  name?: string;
  /**
   * When set, API requests must carry it as `x-api-key` or `Authorization: Bearer`, else 401
   * `authentication_error`. As the real API does, a present `x-api-key` wins over the Bearer header.
   * Default: no auth.
   */
  apiKey?: string;
  /**
   * Benchmark mode: no request recording (`requests` stays empty, `requestCount` still counts), no
   * JSON.parse or validation of Messages bodies (`model` and `stream` are scanned from the bytes),
   * text replies only (no tool logic), precomputed response bytes per model. Default `false`.
   */
  lean?: boolean;
  /**
   * Lean mode only: keep the first chunks of a request body up to this many bytes and drop the rest as it arrives,
   * so a large body costs the mock its read and no copy or scan (the benchmark's Claude Code-sized bodies). `model`
   * and `stream` must sit in that head (the bench's bodies put them first), and `input_tokens` counts only the head.
   * Default: keep every body whole.
   */
  leanBodyHeadInBytes?: number;
  /** Number of `content_block_delta` events per streamed reply, and the reply's `output_tokens`. Integer ≥ 1. Default `3`. */
  streamEvents?: number;
  /** Delay between SSE events, in ms; one timer per gap. Default `0` (as fast as the socket accepts). */
  streamIntervalInMs?: number;
  /** Reply text. Default `Hello from <name>!`. */
  replyText?: string;
  /** Headers added to every response (e.g. `anthropic-ratelimit-*`). Default none. */
  rateLimitHeaders?: Record<string, string>;
  /** Largest accepted request body, in bytes; bigger ones get 413 `request_too_large`. Default 32 MiB (the API's limit). */
  maxRequestBodyInBytes?: number;
  /**
   * Simulates Anthropic's prompt cache for `POST /v1/messages`: `cache_control` breakpoints over the
   * tools → system → messages prefix, per mock instance (one "organization"), with cache reads and
   * creation reported in `usage` and counted in `cacheStats()`. `true` uses the defaults
   * (5-minute TTL 300 000 ms, 20 lookback blocks). Ignored in lean mode. Default `false` (all cache
   * counts 0, `input_tokens` covers the whole request).
   */
  promptCache?: boolean | PromptCacheOptions;
  /** Clock for `RecordedRequest.receivedAt`, prompt-cache expiry and OAuth token expiry and windows, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * OAuth mode, a Claude subscription account's upstream (protocol §7–8): serves the token endpoint
   * `POST /v1/oauth/token` and makes every API request need `Authorization: Bearer <an access token it issued,
   * unexpired>` with `oauth-2025-04-20` in `anthropic-beta` and no `x-api-key`; answers carry the account's
   * `anthropic-ratelimit-unified-*` headers. Driven through `MockUpstream.oauth` or `/_mock/oauth/*`. Cannot be
   * combined with `apiKey`. Default off.
   */
  oauth?: boolean | MockOAuthOptions;
  /**
   * Bedrock mode: also serves `POST /model/{modelId}/invoke` and `/invoke-with-response-stream` (after any path
   * prefix) as Amazon Bedrock does, SigV4-verified with these keys (a bad signature: 403 InvalidSignatureException),
   * with the reply the Anthropic mode renders for the matching Messages request, streamed in event-stream framing
   * (one frame per write, `streamIntervalInMs` apart, as the Anthropic mode spaces its events).
   * Bedrock errors are injected with `inject(bedrockErrorFault('ThrottlingException'))`. Default off.
   */
  bedrock?: MockBedrockOptions;
  /**
   * Vertex mode: also serves `POST …/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:rawPredict`,
   * `:streamRawPredict` and `count-tokens:rawPredict` as Claude on Vertex AI does, with a Google token endpoint at
   * `POST /token` (JWT assertions RS256-verified with the service account's public key); API calls need a token it
   * issued. Google errors are injected with `inject(vertexErrorFault('RESOURCE_EXHAUSTED'))`. Default off.
   */
  vertex?: MockVertexOptions;
  /**
   * Whose key signs the thinking blocks this mock sends (when the request has thinking on) and must have signed every
   * thinking and redacted_thinking block in a request's history, as the real API checks them: a foreign or altered
   * one is the API's 400 "messages.N.content.M: Invalid `signature` in `thinking` block". `anthropic` stands for the
   * first-party API, Bedrock and Vertex (Bedrock mode always signs and checks in it); any other name is a third
   * party's own key. Default `anthropic`.
   */
  signatureDomain?: string;
  /**
   * The tool_use ids this mock mints and accepts: `anthropic` (default) mints `toolu_…` and refuses any id outside
   * `^[a-zA-Z0-9_-]+$` with the API's 400; `functions` mints `functions.<name>:<n>` as Kimi does, and accepts any.
   */
  toolIdStyle?: 'anthropic' | 'functions';
  /**
   * Third-party mode: answers as an Anthropic-compatible third party lacking the API's server side (protocol notes
   * §10): `count_tokens` is a 404 with a body not in Anthropic's shape, server tools and `context_management` are
   * ignored (the reply just lacks them, as such providers do). Default off.
   */
  thirdParty?: boolean;
}

/** One request as the mock received it (not recorded in lean mode, nor for `/_mock/*`). */
export interface RecordedRequest {
  readonly method: string;
  /** The full request target as received: prefix and query string included. */
  readonly path: string;
  /** Node's lower-cased header map. */
  readonly headers: Readonly<IncomingHttpHeaders>;
  readonly body: Buffer;
  /** The parsed body, or undefined when it is empty or not JSON. */
  readonly json: unknown;
  /** When the body was fully received, in ms since the epoch (from `now`). */
  readonly receivedAt: number;
}

/** A running mock Anthropic upstream. */
export interface MockUpstream {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`; pass it as the SDK's `baseURL`. */
  readonly url: string;
  readonly port: number;
  readonly name: string;
  /** Requests since the last `reset()`, oldest first. Always empty in lean mode. */
  readonly requests: readonly RecordedRequest[];
  /** Requests received since the last `reset()`, counted in lean mode too. */
  readonly requestCount: number;
  /** Requests whose response is not finished yet. */
  readonly activeRequests: number;
  /** Client aborts (connection closed before the response finished) since the last `reset()`. */
  readonly abortCount: number;
  /** The next `count` (default 1) matching requests get `fault`; queued faults apply first in, first out. */
  inject(fault: Fault, count?: number): void;
  clearFaults(): void;
  /** Clears recorded requests, counters (`cacheStats()` included) and faults; cached prompt prefixes stay. */
  reset(): void;
  /** Prompt-cache counters since the last `reset()`; all zero when `promptCache` is off or in lean mode. */
  cacheStats(): PromptCacheStats;
  /** Forgets every cached prompt prefix, as if the cache had expired; counters stay. */
  clearCache(): void;
  /** Resolves once `n` requests were received since the last `reset()`. Default timeout 2000 ms. */
  waitForRequests(n: number, timeoutInMs?: number): Promise<void>;
  /**
   * Resolves when a client closes its connection before its response finished. Each call claims one
   * abort, so an abort that happened before the call (and was not claimed) resolves it at once.
   * Default timeout 2000 ms.
   */
  waitForAbort(timeoutInMs?: number): Promise<void>;
  /** Stops listening and destroys every open connection (hanging and stalled ones included). Idempotent. */
  close(): Promise<void>;
  /** The OAuth side (token endpoint, accounts, windows) when started with `oauth`, else undefined. */
  readonly oauth: MockOAuth | undefined;
  /** The Vertex side (token endpoint, issued tokens) of a mock started with `vertex`, else `undefined`. */
  readonly vertex: MockVertex | undefined;
}

/** A mock started with `oauth`: its {@link MockUpstream.oauth} is always there. */
export type MockOAuthUpstream = MockUpstream & { readonly oauth: MockOAuth };
