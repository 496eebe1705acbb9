import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseTranslator, UpstreamAdapter, UpstreamTarget } from '../src/index.js';
import { messageBody, post, type StartedProxy, startProxy, startRawUpstream, target } from './harness.js';

/** The provider's own framing in these tests: the Anthropic bytes as hex, one line per event. */
class HexLines implements ResponseTranslator {
  readonly contentType = 'text/event-stream; charset=utf-8';
  readonly reframes = true;
  readonly requestIdHeader = 'x-up-id';
  #pending = '';
  transform(chunk: Buffer): Buffer | undefined {
    const text = this.#pending + chunk.toString('latin1');
    const end = text.lastIndexOf('\n');
    this.#pending = text.slice(end + 1);
    if (end === -1) return undefined;
    const lines = text.slice(0, end).split('\n');
    if (lines.some((line) => !/^([0-9a-f]{2})*$/.test(line))) throw new Error('not hex');
    return Buffer.from(lines.join(''), 'hex');
  }
  flush(): undefined {
    if (this.#pending !== '') throw new Error('cut in a line');
  }
  errorAnswer(status: number, headers: Record<string, unknown>, body: Buffer) {
    const kind = String(headers['x-kind'] ?? '');
    return {
      status: kind === 'busy' ? 429 : status,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(
        JSON.stringify({
          type: 'error',
          error: {
            type: kind === 'busy' ? 'rate_limit_error' : 'invalid_request_error',
            message: body.toString(),
          },
        }),
      ),
    };
  }
}

const sse =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"x","content":[],"stop_reason":null,"usage":{"input_tokens":7,"output_tokens":1}}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}\n\n' +
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';
const hexStream = `${sse
  .split('\n\n')
  .filter((event) => event !== '')
  .map((event) => Buffer.from(`${event}\n\n`).toString('hex'))
  .join('\n')}\n`;

const hexAdapter: UpstreamAdapter = {
  prepare: (request) =>
    Promise.resolve({
      path: `/hex/${request.model}${request.stream ? '/stream' : ''}`,
      body: Buffer.from(`[${String(request.body)}]`),
      headers: [['x-signed', `beta=${request.anthropicBeta ?? ''}`]],
      response: new HexLines(),
    }),
};

function adapted(name: string, url: string): UpstreamTarget {
  return { ...target(name, url, { modelMap: { 'claude-sonnet-4-6': 'mapped' } }), adapter: hexAdapter };
}

describe('an upstream with an adapter', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  async function upstream(
    handler: (request: IncomingMessage, response: ServerResponse, body: Buffer) => void,
  ) {
    const seen: { path: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
    const raw = await startRawUpstream((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ path: request.url ?? '', headers: request.headers, body });
        handler(request, response, body);
      });
    });
    closers.push(raw.close);
    return { url: raw.url, seen };
  }

  async function proxyOf(targets: UpstreamTarget[]): Promise<StartedProxy> {
    const proxy = await startProxy(targets);
    closers.unshift(() => proxy.close());
    return proxy;
  }

  it('sends the attempt as the adapter rewrote it, after the model mapping', async () => {
    const raw = await upstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"type":"message"}');
    });
    const proxy = await proxyOf([adapted('hex', raw.url)]);
    const body = messageBody();
    await post(proxy.url, '/v1/messages', body, { 'anthropic-beta': 'b1,b2' });
    const sent = raw.seen[0];
    expect(sent?.path).toBe('/hex/mapped');
    expect(sent?.body.toString()).toBe(`[${body.replace('claude-sonnet-4-6', 'mapped')}]`);
    expect(sent?.headers['content-length']).toBe(String(sent?.body.length));
    expect(sent?.headers['x-signed']).toBe('beta=b1,b2');
  });

  it('answers with the answer, not an informational head sent before it (103 Early Hints)', async () => {
    const raw = await upstream((_request, response) => {
      response.writeEarlyHints({ link: '</hints.css>; rel=preload' }, () => {
        response.writeHead(200, { 'content-type': 'application/x-hex', 'x-up-id': 'up-1' });
        response.end(hexStream);
      });
    });
    const proxy = await proxyOf([adapted('hex', raw.url)]);
    const answer = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(sse);
    expect(answer.headers['request-id']).toBe('up-1');
  });

  it('relays a stream in the provider’s framing as Anthropic SSE, split anywhere, with its usage and request id', async () => {
    const raw = await upstream((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/x-hex',
        'content-length': String(hexStream.length),
        'x-up-id': 'up-1',
      });
      // Split in the middle of a line: the translator holds the rest.
      response.write(hexStream.slice(0, 101));
      response.end(hexStream.slice(101));
    });
    const proxy = await proxyOf([adapted('hex', raw.url)]);
    const body = messageBody({ stream: true });
    const answer = await post(proxy.url, '/v1/messages', body);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(answer.text).toBe(sse);
    expect(answer.headers['request-id']).toBe('up-1');
    expect(raw.seen[0]?.path).toBe('/hex/mapped/stream');
    // A stream's adapted body goes as a one-shot iterable: the same bytes, still with its length, not chunked.
    expect(raw.seen[0]?.body.toString()).toBe(`[${body.replace('claude-sonnet-4-6', 'mapped')}]`);
    expect(raw.seen[0]?.headers['content-length']).toBe(String(raw.seen[0]?.body.length));
    expect(raw.seen[0]?.headers['transfer-encoding']).toBeUndefined();
    const record = proxy.records[0] ?? (await proxy.nextRecord());
    expect(record?.usage).toMatchObject({ inputTokens: 7, outputTokens: 3 });
    expect(record?.upstreamRequestId).toBe('up-1');
  });

  it('maps an error answer to Anthropic’s, passes the client’s through and fails over from the provider’s', async () => {
    let kind = 'bad';
    const raw = await upstream((_request, response) => {
      response.writeHead(400, { 'x-kind': kind });
      response.end('nope');
    });
    const mock: MockUpstream = await createMockUpstream({ name: 'm', apiKey: 'key-m' });
    closers.push(() => mock.close());
    const proxy = await proxyOf([adapted('hex', raw.url), target('m', mock.url)]);
    const client = await post(proxy.url, '/v1/messages', messageBody());
    expect(client.status).toBe(400);
    expect(JSON.parse(client.text)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'nope' },
    });
    kind = 'busy';
    const failedOver = await post(proxy.url, '/v1/messages', messageBody());
    expect(failedOver.status).toBe(200);
    expect(failedOver.headers['x-ccb-provider']).toBe('m');
  });

  it('fails over when the body breaks the provider’s framing before anything reached the client', async () => {
    const raw = await upstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-hex' });
      response.end('zz\n');
    });
    const mock: MockUpstream = await createMockUpstream({ name: 'm', apiKey: 'key-m' });
    closers.push(() => mock.close());
    const proxy = await proxyOf([adapted('hex', raw.url), target('m', mock.url)]);
    const answer = await post(proxy.url, '/v1/messages', messageBody({ stream: true }));
    expect(answer.status).toBe(200);
    expect(answer.headers['x-ccb-provider']).toBe('m');
  });
});

describe('an adapter that refuses a request', () => {
  it('sends it to the next provider, without counting against the refusing one', async () => {
    const mock: MockUpstream = await createMockUpstream({ name: 'm', apiKey: 'key-m' });
    const refusing: UpstreamTarget = {
      ...target('picky', mock.url),
      adapter: {
        prepare: () => {
          throw new Error('POST /v1/messages only');
        },
      },
    };
    const proxy = await startProxy([refusing, target('m', mock.url)]);
    try {
      const answer = await post(proxy.url, '/v1/messages/count_tokens', messageBody());
      expect(answer.status).toBe(200);
      expect(answer.headers['x-ccb-provider']).toBe('m');
      const record = proxy.records[0] ?? (await proxy.nextRecord());
      expect(record?.attempts[0]).toMatchObject({ provider: 'picky', result: 'client_error' });
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});
