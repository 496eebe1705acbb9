import { describe, expect, it } from 'vitest';
import { classifyTransportError } from './transport-failure.js';

describe('classifyTransportError', () => {
  it('maps system and undici codes to failure kinds', () => {
    const failure = (code: string) => classifyTransportError(Object.assign(new Error('x'), { code })).failure;
    expect(failure('ECONNREFUSED')).toBe('connect');
    expect(failure('UND_ERR_HEADERS_TIMEOUT')).toBe('timeout');
    expect(failure('ECONNRESET')).toBe('reset');
    expect(failure('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('connect');
    expect(failure('HPE_INVALID_CHUNK_SIZE')).toBe('protocol');
  });

  it('looks through undici socket errors for the system cause', () => {
    const error = Object.assign(new Error('other side closed'), {
      code: 'UND_ERR_SOCKET',
      cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
    });
    expect(classifyTransportError(error).description).toBe('connection reset');
  });
});
