import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  isAccountProblem,
  isProviderFailureStatus,
  isRenewableCredentialRefusal,
  isSpendLimit,
} from './classify-response.js';
import { readErrorBody } from './error-body.js';

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

describe('isRenewableCredentialRefusal', () => {
  it('is a 401, or the 403 of a revoked OAuth token, and no other refusal', () => {
    const revoked = 'OAuth token has been revoked. Please obtain a new token.';
    expect(isRenewableCredentialRefusal({ result: 'failure', status: 401 })).toBe(true);
    expect(
      isRenewableCredentialRefusal({
        result: 'failure',
        status: 403,
        errorType: 'permission_error',
        errorMessage: revoked,
      }),
    ).toBe(true);
    expect(
      isRenewableCredentialRefusal({
        result: 'failure',
        status: 403,
        errorType: 'permission_error',
        errorMessage: 'This organization has been disabled.',
      }),
    ).toBe(false);
    expect(isRenewableCredentialRefusal({ result: 'failure', status: 400, errorMessage: revoked })).toBe(
      false,
    );
  });
});

describe('isSpendLimit', () => {
  it('recognises a spend limit by code, type, status or message', () => {
    expect(isSpendLimit({ result: 'failure', status: 429, errorCode: 'enforced_spend_limit_reached' })).toBe(
      true,
    );
    expect(
      isSpendLimit({ result: 'failure', errorMessage: '{"error_code":"enforced_spend_limit_reached"}' }),
    ).toBe(true);
    expect(isSpendLimit({ result: 'failure', status: 402 })).toBe(true);
    expect(isSpendLimit({ result: 'failure', status: 400, errorType: 'billing_error' })).toBe(true);
    expect(
      isSpendLimit({
        result: 'failure',
        status: 400,
        errorMessage: 'Your credit balance is too low to access',
      }),
    ).toBe(true);
  });
  it('does not take a plain rate limit for one', () => {
    expect(isSpendLimit({ result: 'failure', status: 429, errorType: 'rate_limit_error' })).toBe(false);
  });
});

describe('classifyResponse', () => {
  const headers = { 'retry-after': '3' };

  it('calls a 2xx a success and keeps its headers', () => {
    expect(classifyResponse({ status: 200, headers })).toEqual({ result: 'success', status: 200, headers });
  });

  it('calls provider statuses failures, with what the error body says', () => {
    const error = readErrorBody(
      Buffer.from('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'),
    );
    expect(classifyResponse({ status: 529, headers, error })).toEqual({
      result: 'failure',
      failure: 'status',
      status: 529,
      errorType: 'overloaded_error',
      errorMessage: 'Overloaded',
      headers,
    });
  });

  it("leaves the client its own 4xx, neutral for the provider's health", () => {
    const outcome = classifyResponse({
      status: 400,
      error: { type: 'invalid_request_error', message: 'bad' },
    });
    expect(outcome).toMatchObject({
      result: 'client_error',
      status: 400,
      errorType: 'invalid_request_error',
    });
    expect(outcome.failure).toBeUndefined();
  });

  it("calls a 400 about the provider's account a failure", () => {
    const outcome = classifyResponse({
      status: 400,
      error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the API' },
    });
    expect(outcome).toMatchObject({ result: 'failure', failure: 'status' });
  });

  it("judges the client's key, not the provider, when the client's own credential went upstream", () => {
    expect(classifyResponse({ status: 401, clientCredentials: true }).result).toBe('client_error');
    expect(classifyResponse({ status: 403, clientCredentials: true }).result).toBe('client_error');
    expect(classifyResponse({ status: 401 }).result).toBe('failure');
    expect(classifyResponse({ status: 429, clientCredentials: true }).result).toBe('failure');
  });
});

describe('readErrorBody', () => {
  it('reads an Anthropic error body', () => {
    const body = Buffer.from(
      '{"type":"error","error":{"type":"rate_limit_error","message":"slow down","details":{"error_code":"x"}}}',
    );
    expect(readErrorBody(body)).toEqual({ type: 'rate_limit_error', message: 'slow down', code: 'x' });
  });
  it('tolerates bodies of other shapes', () => {
    expect(readErrorBody(Buffer.from('<html>bad gateway</html>'))).toEqual({});
    expect(readErrorBody(Buffer.from('{"error":"plain"}'))).toEqual({ message: 'plain' });
    expect(readErrorBody(Buffer.from('null'))).toEqual({});
    expect(readErrorBody(Buffer.alloc(0))).toEqual({});
  });
});
