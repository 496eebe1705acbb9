/** What a Vertex-mode mock accepts as credentials, and where it serves. */
export interface MockVertexOptions {
  /** The project requests must name (else 403 PERMISSION_DENIED). */
  readonly project: string;
  /** The location requests must name, e.g. `us-east5` or `global` (else 404 NOT_FOUND). */
  readonly region: string;
  /** A service account whose RS256 JWT assertions the token endpoint accepts: its email and public key (PEM). */
  readonly serviceAccount?: { readonly clientEmail: string; readonly publicKey: string };
  /** An `authorized_user` refresh token the token endpoint accepts. */
  readonly authorizedUser?: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly refreshToken: string;
  };
  /** Fixed access tokens always accepted (a provider's `gcp.access_token`). Default none. */
  readonly accessTokens?: readonly string[];
  /**
   * The `anthropic-beta` flags Vertex accepts; any other is refused with a 400, as Vertex refuses flags it does not
   * know. Default: every flag is accepted.
   */
  readonly acceptedBetas?: readonly string[];
  /** Lifetime of the tokens the endpoint issues, in seconds (`expires_in`). Default 3600. */
  readonly tokenLifetimeInSeconds?: number;
}

/** The Vertex side of a mock started with `vertex`. */
export interface MockVertex {
  /** `${url}/token`: the `token_uri` of the test's key file. */
  readonly tokenUrl: string;
  /** Token endpoint requests answered (issued or refused) since the mock's `reset()`. */
  readonly tokenRequests: number;
  /** Tokens issued so far. */
  readonly issuedTokens: number;
  /** Makes every issued token invalid (as a revoked or rotated key does): the next API call is a 401. */
  revokeTokens(): void;
}

/** The Vertex mode's state (internal). */
export interface VertexMode {
  readonly options: MockVertexOptions;
  readonly tokenUrl: string;
  readonly tag: string;
  /** Issued tokens and when each expires (ms). */
  readonly issued: Map<string, number>;
  tokenRequests: number;
  issuedCount: number;
}
