import { describe, expect, it } from 'vitest';
import { isAccountProblem, isProviderFailureStatus, readErrorBody } from './failover-policy.js';
import { classifyTransportError } from './transport-failure.js';

describe('isProviderFailureStatus', () => {
  it('fails over on rate limits, server errors, overload and credential problems', () => {
    for (const status of [401, 402, 403, 408, 429, 500, 502, 503, 504, 529]) {
      expect(isProviderFailureStatus(status), String(status)).toBe(true);
    }
  });
  it('leaves the client its own 4xx', () => {
    for (const status of [400, 404, 405, 413, 422])
      expect(isProviderFailureStatus(status), String(status)).toBe(false);
  });
});

describe('isAccountProblem', () => {
  it('recognises a provider account problem in a 400', () => {
    expect(isAccountProblem('Your credit balance is too low to access the Anthropic API.')).toBe(true);
    expect(isAccountProblem('This organization has been disabled.')).toBe(true);
  });
  it('does not mistake a request problem for one', () => {
    expect(isAccountProblem('messages: field required')).toBe(false);
    expect(isAccountProblem(undefined)).toBe(false);
  });
});

describe('readErrorBody', () => {
  it('reads an Anthropic error body', () => {
    const body = Buffer.from('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}');
    expect(readErrorBody(body)).toEqual({ type: 'rate_limit_error', message: 'slow down' });
  });
  it('tolerates bodies of other shapes', () => {
    expect(readErrorBody(Buffer.from('<html>bad gateway</html>'))).toEqual({});
    expect(readErrorBody(Buffer.from('{"error":"plain"}'))).toEqual({ message: 'plain' });
  });
});

describe('classifyTransportError', () => {
  it('maps system and undici codes to failure kinds', () => {
    expect(classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })).failure).toBe(
      'connect',
    );
    expect(
      classifyTransportError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })).failure,
    ).toBe('timeout');
    expect(classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNRESET' })).failure).toBe(
      'reset',
    );
    expect(
      classifyTransportError(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })).failure,
    ).toBe('connect');
  });
  it('looks through undici socket errors for the system cause', () => {
    const error = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    expect(classifyTransportError(error).description).toBe('connection reset');
  });
});
