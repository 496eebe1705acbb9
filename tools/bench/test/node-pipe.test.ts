import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProcessRegistry } from '../src/process-registry.js';
import { type ServerProcess, spawnServer } from '../src/spawn-server.js';

/** The built floor the bench runs (the test task runs after the build). */
const nodePipePath = fileURLToPath(new URL('../dist/node-pipe.js', import.meta.url));

/** An upstream that answers each request with what it received, and reports each request as it starts. */
interface RecordingUpstream {
  readonly url: string;
  readonly server: Server;
  /** The paths of the requests whose head arrived, in order. */
  readonly seen: string[];
}

async function startUpstream(): Promise<RecordingUpstream> {
  const seen: string[] = [];
  const server = createServer((incoming, response) => {
    seen.push(incoming.url ?? '');
    server.emit('seen', incoming.url);
    const hash = createHash('sha256');
    let length = 0;
    incoming.on('data', (piece: Buffer) => {
      hash.update(piece);
      length += piece.length;
    });
    incoming.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ length, sha256: hash.digest('hex') }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

/** Sends a POST whose body the caller writes; resolves with the answer's JSON once the caller ends it. */
function post(url: string, path: string) {
  const outgoing = request(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
  });
  const answer = once(outgoing, 'response').then(async (args: unknown[]) => {
    const incoming = args[0] as IncomingMessage;
    let text = '';
    for await (const piece of incoming) text += piece;
    return { status: incoming.statusCode, body: JSON.parse(text) as { length: number; sha256: string } };
  });
  return { outgoing, answer };
}

const registry = createProcessRegistry();
let upstream: RecordingUpstream;

beforeAll(async () => {
  upstream = await startUpstream();
});

afterEach(async () => {
  await registry.stopAll(500);
  upstream.seen.length = 0;
});

afterAll(() => {
  upstream.server.close();
});

function startPipe(held: boolean): Promise<ServerProcess> {
  return spawnServer({
    name: held ? 'node-pipe-held' : 'node-pipe',
    nodeArgs: [nodePipePath, upstream.url, ...(held ? ['held'] : [])],
    registry,
    ipc: true,
  });
}

describe('node-pipe, the floor', () => {
  it.each([false, true])('relays a 200 KB body byte for byte (held: %s)', async (held) => {
    const pipe = await startPipe(held);
    const body = randomBytes(200 * 1024);
    const { outgoing, answer } = post(pipe.url, '/v1/messages');
    // In pieces, as a client's large body arrives.
    for (let offset = 0; offset < body.length; offset += 16 * 1024) {
      outgoing.write(body.subarray(offset, offset + 16 * 1024));
    }
    outgoing.end();
    expect(await answer).toEqual({
      status: 200,
      body: { length: body.length, sha256: createHash('sha256').update(body).digest('hex') },
    });
  });

  it('sends a request on as soon as its head arrives', async () => {
    const pipe = await startPipe(false);
    const { outgoing, answer } = post(pipe.url, '/first');
    outgoing.write('{"model":');
    // The head reaches the upstream while the body is still open.
    await once(upstream.server, 'seen');
    expect(upstream.seen).toEqual(['/first']);
    outgoing.end('"x"}');
    expect((await answer).body.length).toBe(13);
  });

  it('held, sends nothing on before the whole body is in, then all of it', async () => {
    const pipe = await startPipe(true);
    const first = post(pipe.url, '/first');
    first.outgoing.write('{"model":');
    // A whole request through the same process after the first one's head and first piece: the first is still held.
    const second = post(pipe.url, '/second');
    second.outgoing.end('{}');
    expect((await second.answer).body.length).toBe(2);
    expect(upstream.seen).toEqual(['/second']);
    first.outgoing.end('"x"}');
    expect((await first.answer).body.length).toBe(13);
    expect(upstream.seen).toEqual(['/second', '/first']);
  });
});
