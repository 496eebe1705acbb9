import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProvider } from '@ccb/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeProvider } from './probe-provider.js';

describe('probeProvider', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  beforeEach(async () => {
    requests = 0;
    // Answers as Bedrock answers an unsigned request.
    server = createServer((_request, response) => {
      requests++;
      response.writeHead(403, { 'x-amzn-errortype': 'MissingAuthenticationTokenException' }).end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  });
  const options = () => ({ signal: new AbortController().signal, timeoutInMs: 2_000 });

  it('checks a provider with an adapter (Bedrock) for reachability only', async () => {
    const bedrock = createProvider({ name: 'br', baseUrl: url, adapter: { prepare: () => undefined } });
    expect(await probeProvider(bedrock, 'models', options())).toBe(true);
    expect(requests).toBe(0);
  });

  it('asks any other provider /v1/models and counts a credential refusal as unhealthy', async () => {
    const plain = createProvider({ name: 'p', baseUrl: url, apiKey: 'k' });
    expect(await probeProvider(plain, 'models', options())).toBe(false);
    expect(requests).toBe(1);
  });
});
