import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { nginxConfig, nginxSkipReason, startNginx } from '../src/index.js';

const skip = nginxSkipReason();
if (skip !== undefined) console.warn(`skipping startNginx tests: ${skip}`);

describe.skipIf(skip !== undefined)('startNginx', () => {
  it('relays a streamed answer chunk by chunk from the instances behind it', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const upstream = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: one\n\n');
      // The second event waits until the client has seen the first: only an unbuffered proxy lets that happen.
      void released.then(() => response.end('event: two\n\n'));
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    const nginx = await startNginx([`127.0.0.1:${(upstream.address() as AddressInfo).port}`]);
    try {
      const response = await fetch(`${nginx.url}/v1/messages`, { method: 'POST', body: '{}' });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      const first = await reader.read();
      expect(decoder.decode(first.value)).toBe('event: one\n\n');
      release();
      let rest = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        rest += decoder.decode(chunk.value);
      }
      expect(rest).toBe('event: two\n\n');
    } finally {
      await nginx.stop();
      upstream.close();
    }
  }, 30_000);
});

describe('nginxConfig', () => {
  it('turns buffering off, keeps HTTP/1.1 connections to ccb and waits an hour for a stream', () => {
    const config = nginxConfig({ listen: '0.0.0.0:8080', upstreams: ['10.0.0.1:4141', '10.0.0.2:4141'] });
    for (const line of [
      'server 10.0.0.1:4141 max_fails=0;',
      'server 10.0.0.2:4141 max_fails=0;',
      'keepalive 32;',
      'listen 0.0.0.0:8080;',
      'proxy_http_version 1.1;',
      'proxy_set_header Connection "";',
      'proxy_buffering off;',
      'proxy_read_timeout 1h;',
    ]) {
      expect(config).toContain(line);
    }
    expect(config).not.toContain('pid ');
  });
});
