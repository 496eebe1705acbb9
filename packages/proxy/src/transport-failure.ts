import type { FailureKind } from '@ccb/protocol';

/** How a transport-level error (no HTTP answer) is treated. */
export interface TransportFailure {
  readonly failure: FailureKind;
  /** Status ccb answers with when this was the last attempt. */
  readonly status: 502 | 504;
  readonly errorType: 'api_error' | 'timeout_error';
  /** Short human description, safe to log (no secrets). */
  readonly description: string;
}

const connect = (description: string): TransportFailure => ({
  failure: 'connect',
  status: 502,
  errorType: 'api_error',
  description,
});
const reset = (description: string): TransportFailure => ({
  failure: 'reset',
  status: 502,
  errorType: 'api_error',
  description,
});
const timeout = (description: string): TransportFailure => ({
  failure: 'timeout',
  status: 504,
  errorType: 'timeout_error',
  description,
});

/** One table from undici and system error codes to failover treatment. All of them are retryable. */
const byCode: Readonly<Record<string, TransportFailure>> = {
  ECONNREFUSED: connect('connection refused'),
  ENOTFOUND: connect('host not found'),
  EAI_AGAIN: connect('DNS lookup failed'),
  EHOSTUNREACH: connect('host unreachable'),
  ENETUNREACH: connect('network unreachable'),
  EADDRNOTAVAIL: connect('address not available'),
  UND_ERR_CONNECT_TIMEOUT: timeout('connect timeout'),
  UND_ERR_HEADERS_TIMEOUT: timeout('first byte timeout'),
  UND_ERR_BODY_TIMEOUT: timeout('stream idle timeout'),
  ETIMEDOUT: timeout('connection timed out'),
  ECONNRESET: reset('connection reset'),
  EPIPE: reset('connection broken'),
  UND_ERR_SOCKET: reset('connection closed by upstream'),
  UND_ERR_CLOSED: reset('connection closed'),
  HPE_INVALID_CONSTANT: { ...reset('malformed HTTP response'), failure: 'protocol' },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: { ...reset('response length mismatch'), failure: 'protocol' },
};

const fallback: TransportFailure = reset('upstream request failed');
const tls = connect('TLS handshake failed');

/** Classifies an error raised while talking to an upstream. */
export function classifyTransportError(error: unknown): TransportFailure {
  const code = errorCode(error);
  if (code === undefined) return fallback;
  const known = byCode[code];
  if (known !== undefined) return known;
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT')) return tls;
  if (code.startsWith('HPE_'))
    return { ...fallback, failure: 'protocol', description: 'malformed HTTP response' };
  return fallback;
}

function errorCode(error: unknown): string | undefined {
  // undici wraps system errors; the most specific known code may sit a cause or two deep.
  let first: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code !== 'UND_ERR_SOCKET' && byCode[code] !== undefined) return code;
      first ??= code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return first;
}
