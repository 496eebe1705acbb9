import { describe, expect, it } from 'vitest';
import { redactFields } from './_redact-fields.js';

describe('redactFields', () => {
  it('censors credential-named fields at the top, nested, in headers and in arrays', () => {
    const fields = {
      authorization: 'Bearer one',
      request: { headers: { 'x-api-key': 'two', 'content-type': 'application/json' } },
      providers: [{ name: 'alpha', apiKey: 'three' }],
      config: { API_KEY: 'four', nested: { refresh_token: 'five' } },
    };
    expect(redactFields(fields)).toEqual({
      authorization: '[redacted]',
      request: { headers: { 'x-api-key': '[redacted]', 'content-type': 'application/json' } },
      providers: [{ name: 'alpha', apiKey: '[redacted]' }],
      config: { API_KEY: '[redacted]', nested: { refresh_token: '[redacted]' } },
    });
  });

  it('never mutates the caller’s object', () => {
    const headers = { authorization: 'Bearer one' };
    const fields = { headers };
    redactFields(fields);
    expect(fields.headers).toBe(headers);
    expect(headers.authorization).toBe('Bearer one');
  });

  it('returns the same object when nothing needs censoring', () => {
    const fields = { status: 200, attempts: [{ provider: 'alpha' }], tokens: { input: 1 } };
    expect(redactFields(fields)).toBe(fields);
  });

  it('leaves errors and class instances to their serializers', () => {
    const error = Object.assign(new Error('x'), { authorization: 'kept for the value scrubber' });
    const fields = { err: error };
    expect(redactFields(fields)).toBe(fields);
  });

  it('keeps absent credentials absent', () => {
    expect(redactFields({ authorization: undefined })).toEqual({ authorization: undefined });
  });
});
