import { describe, expect, it } from 'vitest';
import { createVertexAdapter, vertexBaseUrl } from './create-vertex-adapter.js';
import { VertexError } from './vertex-error.js';
import { vertexJsonTranslator, vertexStreamTranslator } from './vertex-response.js';

const body = Buffer.from('{"model":"claude-sonnet-4-5","max_tokens":8,"messages":[]}');
const request = (overrides: Partial<Parameters<ReturnType<typeof createVertexAdapter>['prepare']>[0]>) => ({
  method: 'POST',
  path: '/v1/messages?beta=true',
  body,
  model: 'claude-sonnet-4-5',
  stream: false,
  anthropicBeta: 'context-1m-2025-08-07',
  ...overrides,
});

describe('createVertexAdapter', () => {
  const adapter = createVertexAdapter({ project: 'my-project', region: 'us-east5' });

  it('sends a message to the model’s rawPredict, without the query, adding no header of its own', () => {
    const attempt = adapter.prepare(request({}));
    expect(attempt.path).toBe(
      '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict',
    );
    expect(attempt.body.toString()).toBe(
      '{"anthropic_version":"vertex-2023-10-16","max_tokens":8,"messages":[]}',
    );
    expect(attempt.headers).toEqual([]);
    expect(attempt.response).toBe(vertexJsonTranslator);
  });

  it('sends a stream to streamRawPredict and passes its SSE through untouched', () => {
    const attempt = adapter.prepare(request({ stream: true }));
    expect(attempt.path).toMatch(/claude-sonnet-4-5@20250929:streamRawPredict$/);
    expect(attempt.response).toBe(vertexStreamTranslator);
    const chunk = Buffer.from('event: ping\ndata: {"type": "ping"}\n\n');
    expect(attempt.response.transform(chunk)).toBe(chunk);
    expect(attempt.response.reframes).toBe(false);
  });

  it('sends count_tokens to count-tokens:rawPredict with the Vertex model in the body', () => {
    const attempt = adapter.prepare(request({ path: '/v1/messages/count_tokens?beta=true' }));
    expect(attempt.path).toBe(
      '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict',
    );
    expect(JSON.parse(attempt.body.toString())).toEqual({
      anthropic_version: 'vertex-2023-10-16',
      model: 'claude-sonnet-4-5@20250929',
      max_tokens: 8,
      messages: [],
    });
  });

  it('keeps a base URL’s path prefix and takes model ids from its map first', () => {
    const prefixed = createVertexAdapter({
      project: 'p',
      region: 'global',
      baseUrl: 'http://127.0.0.1:9/gateway/',
      modelMap: { 'claude-sonnet-4-5': 'claude-sonnet-4-5@20991231' },
    });
    expect(prefixed.prepare(request({})).path).toBe(
      '/gateway/v1/projects/p/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20991231:rawPredict',
    );
  });

  it('uses the global endpoint’s host for region global', () => {
    expect(vertexBaseUrl('global')).toBe('https://aiplatform.googleapis.com');
    expect(vertexBaseUrl('europe-west1')).toBe('https://europe-west1-aiplatform.googleapis.com');
  });

  it('refuses endpoints Vertex lacks and requests without a model', () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return VertexError.is(error) ? error.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => adapter.prepare(request({ method: 'GET', path: '/v1/models', body: null })))).toBe(
      'CCB_VERTEX_REQUEST_UNSUPPORTED',
    );
    expect(codeOf(() => adapter.prepare(request({ model: undefined })))).toBe(
      'CCB_VERTEX_REQUEST_UNSUPPORTED',
    );
    expect(codeOf(() => adapter.prepare(request({ path: '/v1/messages/batches' })))).toBe(
      'CCB_VERTEX_REQUEST_UNSUPPORTED',
    );
  });
});
