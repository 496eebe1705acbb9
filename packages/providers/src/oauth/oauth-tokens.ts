import { z } from 'zod';

/**
 * The tokens of one Claude subscription account, as ccb holds them in memory. `refreshToken` is absent for a
 * long-lived `claude setup-token` token; `expiresAt` is absent when the expiry is unknown (treated as valid
 * until the upstream answers 401).
 */
export const oauthTokensSchema = z.object({
  /** `sk-ant-oat01-...`, sent as `Authorization: Bearer`. Empty only in a refresh-token-only seed. */
  accessToken: z.string(),
  /** `sk-ant-ort01-...`; rotates on every refresh (protocol notes §8). */
  refreshToken: z.string().min(1).optional(),
  /** When the access token expires, ms since the Unix epoch. */
  expiresAt: z.number().finite().optional(),
  /** Space-separated scopes the token carries, as the token endpoint reported them. */
  scope: z.string().optional(),
});

/** The tokens of one Claude subscription account. See {@link oauthTokensSchema}. */
export type OAuthTokens = z.infer<typeof oauthTokensSchema>;
