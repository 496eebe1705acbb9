// The Node floor: the least a node:http + undici proxy can do (no logging, routing or buffering). ccb
// is compared against it. Run as its own process: `node dist/node-pipe.js <upstream base URL> [held]`.
// With `held` (the `node-pipe-held` target) it reads each whole body before it sends it on, as a proxy that can
// replay a body on failover must: the floor for what holding a body costs, without anything else ccb does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Dispatcher, Pool } from 'undici';
import { HeldPieces } from './held-pieces.js';

// RFC 9110 §7.6.1 hop-by-hop fields describe this connection only, and undici rejects several of them.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);
const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:1');
const holdsBodies = process.argv[3] === 'held';
const pool = new Pool(upstream.origin, { keepAliveTimeout: 30_000, bodyTimeout: 300_000 });

class PipeHandler implements Dispatcher.DispatchHandler {
  constructor(readonly response: ServerResponse) {}
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.response.once(
      'close',
      () => this.response.writableFinished || controller.abort(new Error('client left')),
    );
  }
  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    for (const name of hopByHop) delete headers[name];
    this.response.writeHead(statusCode, headers);
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.response.write(chunk)) return;
    controller.pause();
    this.response.once('drain', () => controller.resume());
  }
  onResponseEnd(): void {
    this.response.end();
  }
  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.response.headersSent) this.response.destroy(error);
    else
      this.response
        .writeHead(502, { 'content-type': 'application/json' })
        .end('{"type":"error","error":{"type":"api_error","message":"upstream failed"}}');
  }
}

/** Sends one request on, its body streamed from the client or the held pieces. */
function send(
  request: IncomingMessage,
  response: ServerResponse,
  headers: string[],
  body: IncomingMessage | Iterable<Buffer>,
): void {
  pool.dispatch(
    {
      origin: upstream.origin,
      method: request.method as Dispatcher.HttpMethod,
      path: request.url ?? '/',
      headers,
      // undici writes an iterable body (the held pieces) piece by piece; its types list only the other kinds.
      body: body as Dispatcher.DispatchOptions['body'],
    },
    new PipeHandler(response),
  );
}

const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (request, response) => {
  const headers: string[] = [];
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    if (!hopByHop.has(name.toLowerCase())) headers.push(name, raw[index + 1] as string);
  }
  if (!holdsBodies) {
    send(request, response, headers, request);
    return;
  }
  // The pieces as Node read them, not joined, as ccb keeps a body; once sent, nothing here refers to them.
  let pieces: Buffer[] | undefined = [];
  request.on('data', (piece: Buffer) => pieces?.push(piece));
  request.on('end', () => {
    const held = new HeldPieces(pieces ?? []);
    pieces = undefined;
    send(request, response, headers, held);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: `node-pipe listening on http://127.0.0.1:${port}` })}\n`);
});
// Started by the bench with an IPC channel: when the bench goes away, so does the pipe.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
