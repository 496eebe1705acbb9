import { createServer, type Server, validateHeaderName, validateHeaderValue } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCountSignal } from './count-signal.js';
import type { Fault } from './fault.js';
import { parseFault } from './fault.js';
import { createFaultQueue } from './fault-queue.js';
import { createRequestHandler } from './handle-request.js';
import { createIdSource } from './id-source.js';
import { createLeanReplyCache } from './lean-reply-cache.js';
import type { MockContext } from './mock-context.js';
import type { MockOAuth, MockOAuthOptions } from './mock-oauth.js';
import type { MockOAuthUpstream, MockUpstream, MockUpstreamOptions } from './mock-upstream.js';
import { MockUpstreamError } from './mock-upstream-error.js';
import { defaultBanMessage, describeAccounts, parseTokenFault } from './oauth-control.js';
import type { OAuthMode } from './oauth-mode.js';
import { createOAuthServer } from './oauth-server.js';
import { createPromptCache, emptyPromptCacheStats, type PromptCache } from './prompt-cache.js';
import { defaultReplyText } from './reply-plan.js';
import { createVertexMode, mockVertexOf } from './vertex-mode.js';

const defaultWaitTimeoutInMs = 2000;
const defaultMaxRequestBodyInBytes = 32 * 1024 * 1024;

function invalidOption(message: string, cause?: unknown): MockUpstreamError {
  return new MockUpstreamError(
    'CCB_MOCK_UPSTREAM_INVALID_OPTIONS',
    `Invalid mock upstream option: ${message}`,
    {
      cause,
    },
  );
}

function requireInteger(value: number, name: string, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw invalidOption(`\`${name}\` must be an integer ≥ ${minimum}, got ${value}.`);
  }
  return value;
}

function buildPromptCache(
  option: MockUpstreamOptions['promptCache'],
  now: () => number,
): PromptCache | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || option === null)) {
    throw invalidOption('`promptCache` must be a boolean or an object `{ ttlInMs?, lookbackBlocks? }`.');
  }
  const settings = option === true ? {} : option;
  return createPromptCache({
    ttlInMs: requireInteger(settings.ttlInMs ?? 300_000, 'promptCache.ttlInMs', 1),
    lookbackBlocks: requireInteger(settings.lookbackBlocks ?? 20, 'promptCache.lookbackBlocks', 0),
    now,
  });
}

interface BaseHeaders {
  readonly list: string[];
  readonly object: Record<string, string>;
}

function buildBaseHeaders(name: string, rateLimitHeaders: Record<string, string>): BaseHeaders {
  const object: Record<string, string> = { 'x-mock-upstream': name };
  for (const [headerName, value] of Object.entries(rateLimitHeaders))
    object[headerName.toLowerCase()] = value;
  const list: string[] = [];
  for (const [headerName, value] of Object.entries(object)) {
    try {
      validateHeaderName(headerName);
      validateHeaderValue(headerName, value);
    } catch (error) {
      throw invalidOption(
        `header \`${headerName}\` is not a valid HTTP header (check \`name\` and \`rateLimitHeaders\`).`,
        error,
      );
    }
    list.push(headerName, value);
  }
  return { list, object };
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      // Release whatever the failed listen allocated; the callback swallows "not running".
      server.close(() => undefined);
      reject(
        new MockUpstreamError(
          'CCB_MOCK_UPSTREAM_LISTEN_FAILED',
          `Mock upstream could not listen on ${host}:${port}: ${error.message}`,
          {
            cause: error,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts a mock Anthropic Messages API upstream on a real `node:http` server and resolves once it
 * listens. Throws `CCB_MOCK_UPSTREAM_INVALID_OPTIONS` for bad options and
 * `CCB_MOCK_UPSTREAM_LISTEN_FAILED` when the port cannot be bound.
 *
 * @example
 * const mock = await createMockUpstream({ name: 'alpha', apiKey: 'sk-test' });
 * const client = new Anthropic({ baseURL: mock.url, apiKey: 'sk-test' });
 * mock.inject({ kind: 'status', status: 529 });
 */
export async function createMockUpstream(
  options: MockUpstreamOptions & { oauth: true | MockOAuthOptions },
): Promise<MockOAuthUpstream>;
export async function createMockUpstream(options?: MockUpstreamOptions): Promise<MockUpstream>;
export async function createMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw invalidOption(`\`port\` must be an integer from 0 to 65535, got ${requestedPort}.`);
  }
  const name = options.name ?? 'mock';
  const streamEvents = requireInteger(options.streamEvents ?? 3, 'streamEvents', 1);
  const streamIntervalInMs = requireInteger(options.streamIntervalInMs ?? 0, 'streamIntervalInMs', 0);
  const maxRequestBodyInBytes = requireInteger(
    options.maxRequestBodyInBytes ?? defaultMaxRequestBodyInBytes,
    'maxRequestBodyInBytes',
    0,
  );
  const baseHeaders = buildBaseHeaders(name, options.rateLimitHeaders ?? {});
  const lean = options.lean ?? false;
  const now = options.now ?? Date.now;
  const promptCache = buildPromptCache(options.promptCache, now);
  const oauthOptions = readOAuthOptions(options);

  // keepAliveTimeout above undici's 4 s default, so pooled client sockets are not closed under them.
  const server = createServer({ noDelay: true, keepAliveTimeout: 10_000 });
  const address = await listen(server, host, requestedPort);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  const oauthMode: OAuthMode | undefined =
    oauthOptions === undefined
      ? undefined
      : {
          server: createOAuthServer({
            now,
            accessTokenLifetimeInMs: oauthOptions.accessTokenLifetimeInMs,
            clientId: oauthOptions.clientId,
            tag: String(address.port),
          }),
          tokenFaults: createFaultQueue(),
          tokenReceived: createCountSignal(),
          tokenRequests: [],
        };

  const context: MockContext = {
    name,
    lean,
    streamEvents,
    streamIntervalInMs,
    replyText: options.replyText,
    apiKey: options.apiKey,
    bearerAuthorization: options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`,
    maxRequestBodyInBytes,
    bodyHeadInBytes: lean
      ? (options.leanBodyHeadInBytes ?? Number.POSITIVE_INFINITY)
      : Number.POSITIVE_INFINITY,
    baseHeaders: baseHeaders.list,
    baseHeaderObject: baseHeaders.object,
    now,
    ids: createIdSource(String(address.port)),
    faults: createFaultQueue(),
    received: createCountSignal(),
    aborts: createCountSignal(),
    leanReplies: lean
      ? createLeanReplyCache({ text: options.replyText ?? defaultReplyText(name), streamEvents })
      : undefined,
    // Lean mode never parses bodies, so it cannot see breakpoints: the option is ignored there.
    promptCache: lean ? undefined : promptCache,
    oauth: oauthMode,
    bedrock: options.bedrock,
    vertex:
      options.vertex === undefined ? undefined : createVertexMode(options.vertex, url, String(address.port)),
    signatureDomain: options.signatureDomain ?? 'anthropic',
    toolIdStyle: options.toolIdStyle ?? 'anthropic',
    toolCalls: 0,
    thirdParty: options.thirdParty === true,
    requests: [],
    activeRequests: 0,
    closing: false,
  };
  server.on('request', createRequestHandler(context));

  let abortsClaimed = 0;
  let closed: Promise<void> | undefined;

  return {
    url,
    port: address.port,
    name,
    get requests() {
      return context.requests;
    },
    get requestCount() {
      return context.received.count;
    },
    get activeRequests() {
      return context.activeRequests;
    },
    get abortCount() {
      return context.aborts.count;
    },
    inject(fault: Fault, count?: number) {
      context.faults.add(parseFault(fault), count);
    },
    clearFaults() {
      context.faults.clear();
    },
    reset() {
      // A new array, so a caller holding the old `requests` keeps its snapshot.
      context.requests = [];
      context.received.reset();
      context.aborts.reset();
      abortsClaimed = 0;
      context.faults.clear();
      context.promptCache?.resetStats();
      if (context.vertex !== undefined) context.vertex.tokenRequests = 0;
      if (oauthMode !== undefined) {
        oauthMode.tokenRequests = [];
        oauthMode.tokenReceived.reset();
        oauthMode.tokenFaults.clear();
      }
    },
    cacheStats() {
      return context.promptCache?.stats() ?? emptyPromptCacheStats();
    },
    clearCache() {
      context.promptCache?.clear();
    },
    waitForRequests(n, timeoutInMs = defaultWaitTimeoutInMs) {
      return context.received.waitFor(n, timeoutInMs, `${n} request(s) to ${name}`);
    },
    waitForAbort(timeoutInMs = defaultWaitTimeoutInMs) {
      abortsClaimed++;
      return context.aborts.waitFor(abortsClaimed, timeoutInMs, `a client abort at ${name}`);
    },
    oauth: oauthMode === undefined ? undefined : createMockOAuth(oauthMode, url, name),
    vertex: context.vertex === undefined ? undefined : mockVertexOf(context.vertex),
    close() {
      if (closed === undefined) {
        context.closing = true;
        context.received.close();
        context.aborts.close();
        oauthMode?.tokenReceived.close();
        closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Hanging and stalled responses would otherwise hold server.close() open forever.
          server.closeAllConnections();
        });
      }
      return closed;
    },
  };
}

interface ResolvedOAuthOptions {
  readonly accessTokenLifetimeInMs: number;
  readonly clientId: string | undefined;
}

function readOAuthOptions(options: MockUpstreamOptions): ResolvedOAuthOptions | undefined {
  const option = options.oauth;
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || option === null)) {
    throw invalidOption('`oauth` must be a boolean or an object `{ accessTokenLifetimeInMs?, clientId? }`.');
  }
  if (options.apiKey !== undefined) {
    throw invalidOption('`oauth` and `apiKey` exclude each other: an OAuth upstream refuses x-api-key.');
  }
  if (options.lean === true) throw invalidOption('`oauth` cannot be combined with `lean`.');
  const settings = option === true ? {} : option;
  return {
    accessTokenLifetimeInMs: requireInteger(
      settings.accessTokenLifetimeInMs ?? 28_800_000,
      'oauth.accessTokenLifetimeInMs',
      0,
    ),
    clientId: settings.clientId,
  };
}

function createMockOAuth(oauth: OAuthMode, url: string, name: string): MockOAuth {
  return {
    tokenUrl: `${url}/v1/oauth/token`,
    authorizeUrl: `${url}/oauth/authorize`,
    get tokenRequests() {
      return oauth.tokenRequests;
    },
    authorize: (request) => oauth.server.authorize(request),
    issueTokens: (request = {}) => oauth.server.issue(request),
    injectTokenFault(fault, count) {
      oauth.tokenFaults.add(parseTokenFault(fault), count);
    },
    clearTokenFaults() {
      oauth.tokenFaults.clear();
    },
    waitForTokenRequests(n, timeoutInMs = defaultWaitTimeoutInMs) {
      return oauth.tokenReceived.waitFor(n, timeoutInMs, `${n} token request(s) to ${name}`);
    },
    resetTokenRequests() {
      oauth.tokenRequests = [];
      oauth.tokenReceived.reset();
    },
    revoke(account) {
      oauth.server.account(account).revoked = true;
    },
    ban(account, message = defaultBanMessage) {
      oauth.server.account(account).ban = message;
    },
    reinstate(account) {
      const state = oauth.server.account(account);
      state.revoked = false;
      state.ban = undefined;
    },
    expireAccessTokens: (account) => oauth.server.expire(account),
    setUsage: (update, account) => oauth.server.account(account).windows.setUsage(update),
    accounts: () => describeAccounts(oauth),
  };
}
