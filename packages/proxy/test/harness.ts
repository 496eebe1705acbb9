import { once } from 'node:events';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Dispatcher, Pool, request as undiciRequest } from 'undici';
import {
  type AttemptOutcome,
  type AttemptPlanner,
  createProxyServer,
  type ProxyServer,
  type ProxyServerOptions,
  type RequestRecord,
  type RoutePlan,
  type RouteRequest,
  type UpstreamEntry,
  type UpstreamTarget,
} from '../src/index.js';

/** A minimal upstream target (the CLI uses @ccb/providers; the proxy's tests need only the port). */
export function target(
  name: string,
  url: string,
  options: {
    apiKey?: string;
    passthrough?: boolean;
    modelMap?: Record<string, string>;
    basePath?: string;
  } = {},
): UpstreamTarget {
  const parsed = new URL(url);
  return {
    name,
    origin: parsed.origin,
    basePath: options.basePath ?? '',
    forwardsClientCredentials: options.passthrough === true,
    extraHeaders: [['x-provider-extra', name]],
    credentialHeaders: () => (options.passthrough ? [] : [['x-api-key', options.apiKey ?? `key-${name}`]]),
    invalidateCredentials: () => false,
    mapModel: (model) => options.modelMap?.[model],
  };
}

/** A planner that always proposes the same order (and optionally a model) and remembers every report. */
export function fixedPlanner(
  order: readonly string[],
  extra: Omit<RoutePlan, 'providers'> = {},
): AttemptPlanner & {
  reports: [string, AttemptOutcome, RouteRequest | undefined][];
  routed: RouteRequest[];
} {
  const reports: [string, AttemptOutcome, RouteRequest | undefined][] = [];
  const routed: RouteRequest[] = [];
  return {
    reports,
    routed,
    route: (request) => {
      routed.push(request);
      return { providers: order, ...extra };
    },
    report: (name, outcome, request) => {
      reports.push([name, outcome, request]);
    },
  };
}

export interface StartedProxy {
  readonly url: string;
  readonly server: ProxyServer;
  readonly records: RequestRecord[];
  /** Resolves with the record of the next finished request. */
  nextRecord(): Promise<RequestRecord>;
  close(): Promise<void>;
}

const fastTimeouts = { connectInMs: 2_000, firstByteInMs: 5_000, streamIdleInMs: 5_000 };

/** The upstream entries of `targets`, with the tests' short timeouts (or `timeouts` over them). */
export function entriesOf(
  targets: readonly UpstreamTarget[],
  timeouts: Partial<typeof fastTimeouts> = {},
): UpstreamEntry[] {
  return targets.map((item) => ({ target: item, timeouts: { ...fastTimeouts, ...timeouts } }));
}

/** Starts a proxy on 127.0.0.1:0 in front of `targets`. */
export async function startProxy(
  targets: readonly UpstreamTarget[],
  options: Partial<ProxyServerOptions> & { timeouts?: Partial<typeof fastTimeouts> } = {},
): Promise<StartedProxy> {
  const records: RequestRecord[] = [];
  const waiters: ((record: RequestRecord) => void)[] = [];
  const server = createProxyServer({
    port: 0,
    planner: fixedPlanner(targets.map((item) => item.name)),
    shutdownGraceInMs: 2_000,
    ...options,
    upstreams: entriesOf(targets, options.timeouts),
    onRequestEnd: (record) => {
      records.push(record);
      waiters.shift()?.(record);
    },
  });
  const { url } = await server.listen();
  return {
    url,
    server,
    records,
    nextRecord: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => server.close(),
  };
}

/** A message request body. */
export function messageBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });
}

/** A non-streaming Messages answer as an upstream sends it, with `fields` over the defaults. */
export function messageReply(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content: [{ type: 'text', text: 'hello' }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 3, output_tokens: 1 },
    ...fields,
  });
}

/** POSTs to the proxy with undici and reads the whole answer. */
export async function post(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const response = await undiciRequest(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** A hand-driven upstream for byte-exact and timing-free streaming tests. */
export async function startRawUpstream(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that refuses connections (bound, then closed). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The event names of an SSE body, in order. */
export function eventNames(sse: string): string[] {
  return [...sse.matchAll(/^event: (.+)$/gm)].map((match) => match[1] as string);
}

/**
 * A `createDispatcher` making one undici `Pool` per upstream that writes the upstream's name to `closed` when its
 * pool is closed.
 */
export function recordingCloses(closed: string[]): (entry: UpstreamEntry) => Dispatcher {
  return (entry) => {
    const pool = new Pool(entry.target.origin);
    const close = pool.close.bind(pool) as (...args: unknown[]) => Promise<void>;
    // undici's promise form of close() calls close(callback) on the same object: count only the first.
    return Object.assign(pool, {
      close: (...args: unknown[]) => {
        if (args.length === 0) closed.push(entry.target.name);
        return close(...args);
      },
    }) as Dispatcher;
  };
}

/**
 * POSTs `pieces` to `url` as one Messages request body, with or without a declared length, each piece written once
 * the one before left (a turn of the event loop later, so the proxy reads them apart). Resolves with the status.
 */
export function postInPieces(url: URL, pieces: readonly Buffer[], declared: boolean): Promise<number> {
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return new Promise<number>((resolve, reject) => {
    const outgoing = httpRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        ...(declared ? { 'content-length': String(length) } : {}),
      },
    });
    outgoing.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', reject);
    const writeNext = (index: number) => {
      const piece = pieces[index];
      if (piece === undefined) return void outgoing.end();
      outgoing.write(piece, () => setImmediate(() => writeNext(index + 1)));
    };
    writeNext(0);
  });
}
