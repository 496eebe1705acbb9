import { resolve } from 'node:path';
import type { Config } from '@ccb/config';
import { createOAuthCredentials, type OAuthAccountStatus, type OAuthCredentials } from '@ccb/providers';

type ProviderConfig = Config['providers'][number];

/** The bench reason of an account whose refresh token was refused: it is out of routing until a new login. */
export const needsLoginReason = 'needs-login';

/** Options of {@link oauthAccountFactory}. */
export interface OAuthAccountOptions {
  /** Folder a relative `oauth.token_file` is resolved against: the config file's. */
  readonly baseDir: string;
  /** Every change of an account's state (ready, refreshing, needs_login, unavailable), with its provider's name. */
  readonly onStatus: (provider: string, status: OAuthAccountStatus) => void;
}

/** The absolute path of an `oauth.token_file`, as `ccb login` writes it and `ccb serve` reads it. */
export function tokenFilePath(tokenFile: string, baseDir: string): string {
  return resolve(baseDir, tokenFile);
}

/**
 * Makes the credential source of an `auth_type: oauth` provider from its `oauth:` settings: the token file (which wins
 * over inline tokens once it exists), refresh ahead of expiry, and state reports.
 */
export function oauthAccountFactory(
  options: OAuthAccountOptions,
): (entry: ProviderConfig) => OAuthCredentials {
  return (entry) => {
    const oauth = entry.oauth;
    if (oauth === undefined) throw new Error(`provider ${entry.name} has no oauth settings`);
    return createOAuthCredentials({
      name: entry.name,
      ...(oauth.token_file !== undefined
        ? { tokenFile: tokenFilePath(oauth.token_file, options.baseDir) }
        : {}),
      ...(oauth.access_token !== undefined || oauth.refresh_token !== undefined
        ? {
            initial: {
              accessToken: oauth.access_token ?? '',
              ...(oauth.refresh_token !== undefined ? { refreshToken: oauth.refresh_token } : {}),
              ...(oauth.expires_at !== undefined ? { expiresAt: oauth.expires_at } : {}),
            },
          }
        : {}),
      tokenUrl: oauth.token_url,
      clientId: oauth.client_id,
      refreshBeforeInMs: oauth.refresh_before,
      onStatus: (status) => options.onStatus(entry.name, status),
    });
  };
}
