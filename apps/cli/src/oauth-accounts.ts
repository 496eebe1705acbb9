import { resolve } from 'node:path';
import type { Config } from '@ccb/config';
import {
  createFileTokenStore,
  createOAuthCredentials,
  type OAuthAccountStatus,
  type OAuthCredentials,
  type OAuthTokenStore,
  type OAuthTokens,
} from '@ccb/providers';

type ProviderConfig = Config['providers'][number];

/** The bench reason of an account whose refresh token was refused: it is out of routing until a new login. */
export const needsLoginReason = 'needs-login';

/** Options of {@link oauthAccountFactory}. */
export interface OAuthAccountOptions {
  /** Folder a relative `oauth.token_file` is resolved against: the config file's. */
  readonly baseDir: string;
  /** Every change of an account's state (ready, refreshing, needs_login, unavailable), with its provider's name. */
  readonly onStatus: (provider: string, status: OAuthAccountStatus) => void;
  /**
   * With `state.store: redis`: the store shared by the instances that holds an account's tokens and refresh lock,
   * over this instance's token file (`fallback`) and inline tokens. Absent: the token file alone, as on one host.
   */
  readonly sharedTokenStore?: (account: SharedTokenStoreRequest) => OAuthTokenStore;
}

/** What {@link OAuthAccountOptions.sharedTokenStore} is asked for: one account's shared store. */
export interface SharedTokenStoreRequest {
  /** The provider's name: the account's key in the shared store. */
  readonly account: string;
  /** This instance's token file as a store: it seeds the shared store, takes new logins to it, and serves alone while it is unreachable. */
  readonly fallback: OAuthTokenStore | undefined;
  /** Inline tokens from the config. */
  readonly initial: OAuthTokens | undefined;
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
    const tokenFile =
      oauth.token_file === undefined ? undefined : tokenFilePath(oauth.token_file, options.baseDir);
    const initial: OAuthTokens | undefined =
      oauth.access_token !== undefined || oauth.refresh_token !== undefined
        ? {
            accessToken: oauth.access_token ?? '',
            ...(oauth.refresh_token !== undefined ? { refreshToken: oauth.refresh_token } : {}),
            ...(oauth.expires_at !== undefined ? { expiresAt: oauth.expires_at } : {}),
          }
        : undefined;
    const store = options.sharedTokenStore?.({
      account: entry.name,
      fallback: tokenFile === undefined ? undefined : createFileTokenStore(tokenFile),
      initial,
    });
    return createOAuthCredentials({
      name: entry.name,
      ...(tokenFile !== undefined ? { tokenFile } : {}),
      ...(store !== undefined ? { store } : {}),
      ...(initial !== undefined ? { initial } : {}),
      tokenUrl: oauth.token_url,
      clientId: oauth.client_id,
      refreshBeforeInMs: oauth.refresh_before,
      onStatus: (status) => options.onStatus(entry.name, status),
    });
  };
}
