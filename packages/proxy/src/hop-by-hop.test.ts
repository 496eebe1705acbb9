import { describe, expect, it } from 'vitest';
import { filterResponseHeaders, readClientHeaders } from './hop-by-hop.js';

describe('readClientHeaders', () => {
  it('drops hop-by-hop headers and takes out credentials, request id and via', () => {
    // As Node parses them: names lower-cased, repeated fields joined.
    const result = readClientHeaders({
      host: 'localhost:8000',
      connection: 'keep-alive, X-Drop-Me',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'content-length': '10',
      'proxy-authorization': 'Basic x',
      te: 'trailers',
      upgrade: 'h2c',
      'x-drop-me': '1',
      'x-api-key': 'sk-client',
      authorization: 'Bearer tok',
      'x-request-id': 'rid-1',
      via: '1.1 other',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'a,b',
      'user-agent': 'claude-cli/2.1.112',
      'x-stainless-retry-count': '0',
      'x-app': 'cli',
      'accept-encoding': 'gzip',
      'set-cookie': ['a=1', 'b=2'],
    });
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
      'set-cookie',
      'a=1',
      'set-cookie',
      'b=2',
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
