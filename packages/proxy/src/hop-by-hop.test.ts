import { describe, expect, it } from 'vitest';
import { filterResponseHeaders, readClientHeaders } from './hop-by-hop.js';

describe('readClientHeaders', () => {
  it('drops hop-by-hop headers and takes out credentials, request id and via', () => {
    const result = readClientHeaders([
      'Host',
      'localhost:8000',
      'Connection',
      'keep-alive, X-Drop-Me',
      'Keep-Alive',
      'timeout=5',
      'Transfer-Encoding',
      'chunked',
      'Content-Length',
      '10',
      'Proxy-Authorization',
      'Basic x',
      'TE',
      'trailers',
      'Upgrade',
      'h2c',
      'X-Drop-Me',
      '1',
      'X-Api-Key',
      'sk-client',
      'Authorization',
      'Bearer tok',
      'X-Request-Id',
      'rid-1',
      'Via',
      '1.1 other',
      'anthropic-version',
      '2023-06-01',
      'anthropic-beta',
      'a,b',
      'User-Agent',
      'claude-cli/2.1.112',
      'x-stainless-retry-count',
      '0',
      'x-app',
      'cli',
      'Accept-Encoding',
      'gzip',
    ]);
    expect(result.forward).toEqual([
      'anthropic-version',
      '2023-06-01',
      'anthropic-beta',
      'a,b',
      'user-agent',
      'claude-cli/2.1.112',
      'x-stainless-retry-count',
      '0',
      'x-app',
      'cli',
      'accept-encoding',
      'gzip',
    ]);
    expect(result.apiKey).toBe('sk-client');
    expect(result.authorization).toBe('Bearer tok');
    expect(result.requestId).toBe('rid-1');
    expect(result.via).toBe('1.1 other');
  });
});

describe('filterResponseHeaders', () => {
  it('keeps end-to-end headers and content-length, drops hop-by-hop ones', () => {
    const out = filterResponseHeaders({
      'content-type': 'application/json',
      'content-length': '12',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'request-id': 'req_1',
      'set-cookie': ['a=1', 'b=2'],
    });
    expect(out).toEqual([
      'content-type',
      'application/json',
      'content-length',
      '12',
      'request-id',
      'req_1',
      'set-cookie',
      'a=1',
      'set-cookie',
      'b=2',
    ]);
  });

  it('applies a transform to single values', () => {
    expect(
      filterResponseHeaders({ 'retry-after': '60' }, (_name, value) => String(Number(value) / 2)),
    ).toEqual(['retry-after', '30']);
  });
});
