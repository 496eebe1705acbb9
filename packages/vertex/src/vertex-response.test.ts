import { describe, expect, it } from 'vitest';
import { vertexErrorAnswer } from './vertex-response.js';

const google = (code: number, status: string, message: string) =>
  Buffer.from(JSON.stringify({ error: { code, message, status } }));
const read = (answer: ReturnType<typeof vertexErrorAnswer>) => ({
  status: answer.status,
  body: JSON.parse(answer.body.toString()),
});

describe('vertexErrorAnswer', () => {
  it.each([
    [429, 'RESOURCE_EXHAUSTED', 429, 'rate_limit_error'],
    [403, 'PERMISSION_DENIED', 403, 'permission_error'],
    [404, 'NOT_FOUND', 404, 'not_found_error'],
    [503, 'UNAVAILABLE', 529, 'overloaded_error'],
    [400, 'INVALID_ARGUMENT', 400, 'invalid_request_error'],
    [401, 'UNAUTHENTICATED', 401, 'authentication_error'],
    [504, 'DEADLINE_EXCEEDED', 504, 'timeout_error'],
    [500, 'INTERNAL', 500, 'api_error'],
  ])('maps Google’s %i %s to Anthropic’s %i %s, keeping the message', (code, status, expected, type) => {
    const answer = read(
      vertexErrorAnswer(
        code,
        { 'content-type': 'application/json; charset=UTF-8' },
        google(code, status, 'why'),
      ),
    );
    expect(answer).toEqual({ status: expected, body: { type: 'error', error: { type, message: 'why' } } });
  });

  it('reads a Google error wrapped in an array, as streaming endpoints send it', () => {
    const body = Buffer.from(`[${google(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded').toString()}]`);
    expect(read(vertexErrorAnswer(429, {}, body)).body.error).toEqual({
      type: 'rate_limit_error',
      message: 'Quota exceeded',
    });
  });

  it('passes an Anthropic-shaped error from the model verbatim, status and bytes', () => {
    const body = Buffer.from('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
    const answer = vertexErrorAnswer(529, { 'content-type': 'application/json' }, body);
    expect(answer.status).toBe(529);
    expect(answer.body).toBe(body);
  });

  it('gives an unreadable body the status’s own type: a bare 503 is overload', () => {
    expect(read(vertexErrorAnswer(503, {}, Buffer.from('<html>')))).toEqual({
      status: 529,
      body: { type: 'error', error: { type: 'overloaded_error', message: 'upstream status 503' } },
    });
    expect(read(vertexErrorAnswer(502, {}, Buffer.alloc(0))).body.error.type).toBe('api_error');
  });
});
