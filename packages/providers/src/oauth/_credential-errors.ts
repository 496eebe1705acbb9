import { ProviderError } from '../provider-error.js';

/** `CCB_PROVIDER_NEEDS_LOGIN`: what `headers()` throws while an account waits for `ccb login`. */
export function needsLoginError(providerName: string, reason: string | null): ProviderError {
  const why =
    reason === 'invalid_grant'
      ? 'its refresh token was refused (invalid_grant)'
      : reason === 'expired'
        ? 'its access token has expired and there is no refresh token'
        : reason === 'token_file_invalid'
          ? 'its token file is unusable'
          : 'it has no tokens';
  return new ProviderError(
    'CCB_PROVIDER_NEEDS_LOGIN',
    `OAuth provider "${providerName}" needs a new login: ${why}. Run \`ccb login ${providerName}\`.`,
    { providerName },
  );
}

/** `CCB_PROVIDER_CREDENTIALS_UNAVAILABLE`: the token expired and refreshing failed; the proxy fails over. */
export function credentialsUnavailableError(
  providerName: string,
  reason: string | null,
  retryAt: number,
): ProviderError {
  const retry = retryAt > 0 ? ` ccb retries the refresh after ${new Date(retryAt).toISOString()}.` : '';
  return new ProviderError(
    'CCB_PROVIDER_CREDENTIALS_UNAVAILABLE',
    `OAuth provider "${providerName}" has no valid access token: it expired and the refresh failed (${reason ?? 'unknown'}).${retry}`,
    { providerName },
  );
}
