import { connect } from 'node:net';
import type { ProbeKind } from '@ccb/config';
import type { Provider } from '@ccb/providers';
import { type Dispatcher, request } from 'undici';

/**
 * Checks one provider in the background. A provider counts as healthy when it answers at all, except with a
 * 5xx, 429 or a credential refusal: a 404 (a third party without /v1/models) still proves it is up.
 * Passthrough providers hold no credential of their own, and providers with an adapter (Bedrock, Vertex) answer neither
 * /v1/models nor an unsigned request, so both are only checked for reachability.
 */
export async function probeProvider(
  provider: Provider,
  kind: ProbeKind,
  options: { signal: AbortSignal; timeoutInMs: number; dispatcher?: Dispatcher },
): Promise<boolean> {
  if (kind === 'tcp' || provider.forwardsClientCredentials || provider.adapter !== undefined) {
    return probeTcp(provider.origin, options);
  }
  const credentials = await provider.credentialHeaders();
  const headers: Record<string, string> = { 'anthropic-version': '2023-06-01', 'x-ccb-probe': '1' };
  for (const [name, value] of [...provider.extraHeaders, ...credentials]) headers[name] = value;
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutInMs)]);
  try {
    const countTokens = kind === 'count_tokens';
    const response = await request(
      `${provider.origin}${provider.basePath}${countTokens ? '/v1/messages/count_tokens' : '/v1/models'}`,
      {
        method: countTokens ? 'POST' : 'GET',
        headers: countTokens ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(countTokens
          ? {
              body: JSON.stringify({
                model: 'claude-haiku-4-5',
                messages: [{ role: 'user', content: 'ping' }],
              }),
            }
          : {}),
        signal,
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      },
    );
    await response.body.dump();
    const status = response.statusCode;
    return status < 500 && status !== 429 && status !== 401 && status !== 403;
  } catch {
    return false;
  }
}

function probeTcp(origin: string, options: { signal: AbortSignal; timeoutInMs: number }): Promise<boolean> {
  const url = new URL(origin);
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port, timeout: options.timeoutInMs });
    const done = (ok: boolean) => {
      socket.destroy();
      options.signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    options.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
