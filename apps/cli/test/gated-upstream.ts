import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An Anthropic-compatible upstream on 127.0.0.1 whose streams hold after their first events until `release()`:
 * a test can be sure that every stream is in flight while it changes things. Non-streaming requests are answered at
 * once. Every answer names the upstream (`Hello from NAME`), so a test sees who served.
 */
export interface GatedUpstream {
  readonly name: string;
  readonly url: string;
  /** Requests answered or in progress, streams started, and streams waiting at the gate. */
  readonly requests: number;
  readonly started: number;
  readonly held: number;
  /** Resolves once `count` streams wait at the gate. */
  heldAtLeast(count: number): Promise<void>;
  /** Lets every held stream, and every later one, finish. */
  release(): void;
  close(): Promise<void>;
}

function sse(response: ServerResponse, event: string, data: unknown): void {
  response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export async function createGatedUpstream(name: string, apiKey: string): Promise<GatedUpstream> {
  let released = false;
  let started = 0;
  let requests = 0;
  let held = 0;
  let gate: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    gate = resolve;
  });
  const heldWaiters: { count: number; resolve: () => void }[] = [];
  let counter = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.headers['x-api-key'] !== apiKey) {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            type: 'error',
            error: { type: 'authentication_error', message: 'invalid x-api-key' },
          }),
        );
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        model?: string;
        stream?: boolean;
      };
      counter += 1;
      requests += 1;
      const id = `msg_${name}_${counter}`;
      const text = `Hello from ${name}!`;
      const usage = {
        input_tokens: 12,
        output_tokens: 5,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      };
      if (body.stream !== true) {
        response.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${id}` });
        response.end(
          JSON.stringify({
            id,
            type: 'message',
            role: 'assistant',
            model: body.model,
            content: [{ type: 'text', text }],
            stop_reason: 'end_turn',
            stop_sequence: null,
            usage,
          }),
        );
        return;
      }
      started += 1;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      sse(response, 'message_start', {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      });
      sse(response, 'content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      sse(response, 'content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Hello ' },
      });
      const finish = () => {
        sse(response, 'content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: text.slice('Hello '.length) },
        });
        sse(response, 'content_block_stop', { type: 'content_block_stop', index: 0 });
        sse(response, 'message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: 5 },
        });
        sse(response, 'message_stop', { type: 'message_stop' });
        response.end();
      };
      if (released) return finish();
      held += 1;
      for (const waiter of heldWaiters.filter((waiter) => held >= waiter.count)) {
        heldWaiters.splice(heldWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      void opened.then(() => {
        held -= 1;
        finish();
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get started() {
      return started;
    },
    get held() {
      return held;
    },
    heldAtLeast(count) {
      if (held >= count) return Promise.resolve();
      return new Promise((resolve) => heldWaiters.push({ count, resolve }));
    },
    release() {
      released = true;
      gate();
    },
    async close() {
      released = true;
      gate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
