import { describe, expect, it } from 'vitest';
import { VertexError } from './vertex-error.js';
import { vertexCountTokensBody, vertexRequestBody } from './vertex-request-body.js';

const text = (buffer: Buffer) => buffer.toString('utf8');

describe('vertexRequestBody', () => {
  it('removes model, adds anthropic_version first and keeps every other byte as sent', () => {
    const body = Buffer.from(
      '{ "model" : "claude-sonnet-4-5",\n  "max_tokens":64, "stream":true,"messages":[{"role":"user","content":"h\\u00e9"}]}',
    );
    expect(text(vertexRequestBody(body))).toBe(
      '{"anthropic_version":"vertex-2023-10-16", "max_tokens":64, "stream":true,"messages":[{"role":"user","content":"h\\u00e9"}]}',
    );
  });

  it('removes a model in the middle with its comma, and keeps a client’s own anthropic_version', () => {
    const body = Buffer.from(
      '{"anthropic_version":"vertex-2023-10-16","max_tokens":1,"model":"m","messages":[]}',
    );
    expect(text(vertexRequestBody(body))).toBe(
      '{"anthropic_version":"vertex-2023-10-16","max_tokens":1,"messages":[]}',
    );
  });

  it('leaves the model inside messages alone', () => {
    const body = Buffer.from(
      '{"messages":[{"role":"user","content":[{"type":"text","text":"{\\"model\\":1}"}]}],"model":"x"}',
    );
    expect(JSON.parse(text(vertexRequestBody(body)))).toEqual({
      anthropic_version: 'vertex-2023-10-16',
      messages: [{ role: 'user', content: [{ type: 'text', text: '{"model":1}' }] }],
    });
  });

  it('refuses a body that is not a JSON object', () => {
    expect(() => vertexRequestBody(Buffer.from('[1]'))).toThrow(VertexError);
    try {
      vertexRequestBody(Buffer.from('nope'));
    } catch (error) {
      expect((error as VertexError).code).toBe('CCB_VERTEX_BODY_INVALID');
    }
  });
});

describe('vertexCountTokensBody', () => {
  it('keeps model, as the Vertex id, and adds anthropic_version', () => {
    const body = Buffer.from('{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}');
    expect(text(vertexCountTokensBody(body, 'claude-sonnet-4-5@20250929'))).toBe(
      '{"anthropic_version":"vertex-2023-10-16","model":"claude-sonnet-4-5@20250929","messages":[{"role":"user","content":"hi"}]}',
    );
  });

  it('leaves a body that already names the Vertex id and version byte for byte', () => {
    const body = Buffer.from(
      '{"anthropic_version":"vertex-2023-10-16", "model":"claude-opus-4-6","messages":[]}',
    );
    expect(vertexCountTokensBody(body, 'claude-opus-4-6').equals(body)).toBe(true);
  });
});
