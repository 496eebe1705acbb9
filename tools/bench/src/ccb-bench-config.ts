/**
 * A ccb target: the default configuration, logs and metrics off (`ccb-quiet`), message dedup on (`ccb-dedup`),
 * live state in Redis and the ledger in PostgreSQL (`ccb-shared`), or `kind: bedrock` providers with a Bedrock API key
 * (`ccb-bedrock`) or AWS access keys (`ccb-bedrock-sigv4`).
 */
export type CcbVariant =
  | 'ccb'
  | 'ccb-quiet'
  | 'ccb-dedup'
  | 'ccb-shared'
  | 'ccb-bedrock'
  | 'ccb-bedrock-sigv4';

/**
 * The credentials of the Bedrock targets' providers, and of the mock's Bedrock mode that checks them (the bench's
 * mock process and configs share these; they open nothing but the mock).
 */
export const benchBedrockCredentials = {
  region: 'us-east-1',
  /** A Bedrock API key, sent as `Authorization: Bearer` (`ccb-bedrock`). */
  apiKey: 'bench-bedrock-api-key',
  /** AWS access keys, signed with SigV4 (`ccb-bedrock-sigv4`). */
  accessKeyId: 'AKIDBENCHEXAMPLE',
  secretAccessKey: 'bench/secret+key',
} as const;

/** A ccb config's providers: the mock, after a refusing one (failover), or twice (affinity). */
export type ProviderLayout = 'single' | 'refusing-first' | 'two-with-affinity';

/** Where `ccb-shared` keeps its state and ledger. */
export interface SharedStateUrls {
  /** `redis://…` for `state: { store: redis }`. */
  readonly redisUrl: string;
  /** `postgres://…` for `ledger: { url }`. */
  readonly databaseUrl: string;
  /**
   * `state.key_prefix`: one per scenario, so that a scenario's fresh ccb starts from empty shared state, as the
   * default ccb starts from empty memory, and a Redis given by `REDIS_URL` is not mixed with a deployment's keys.
   */
  readonly keyPrefix: string;
}

/** Options of {@link ccbBenchConfig}. */
export interface CcbBenchConfigOptions {
  readonly variant: CcbVariant;
  readonly layout: ProviderLayout;
  /** The mock every provider but the refusing one points at (for the Bedrock variants, its Bedrock mode). */
  readonly upstreamUrl: string;
  /** The refusing provider's URL, for `layout: 'refusing-first'`. */
  readonly refusedUrl?: string;
  /** Required for `ccb-shared`; ignored by the other variants. */
  readonly shared?: SharedStateUrls;
}

/**
 * The configuration the bench writes for a ccb target, as plain data (the bench writes it as JSON, which is
 * YAML). Every variant is the default `ccb` plus one change, so that a ratio between two of them is the cost of
 * that change alone.
 * @throws TypeError for `ccb-shared` without `shared`, or `refusing-first` without `refusedUrl`.
 */
export function ccbBenchConfig(options: CcbBenchConfigOptions): Record<string, unknown> {
  const { variant, layout, upstreamUrl, refusedUrl, shared } = options;
  if (variant === 'ccb-shared' && shared === undefined) {
    throw new TypeError('ccb-shared needs the Redis and PostgreSQL URLs (shared)');
  }
  if (layout === 'refusing-first' && refusedUrl === undefined) {
    throw new TypeError('the refusing-first layout needs refusedUrl');
  }
  const quiet = variant === 'ccb-quiet';
  const provider = (name: string, baseUrl: string) => ({
    name,
    base_url: baseUrl,
    api_key: 'sk-bench-upstream',
  });
  const upstream = (name: string) =>
    variant === 'ccb-bedrock' || variant === 'ccb-bedrock-sigv4'
      ? bedrockProvider(name, upstreamUrl, variant)
      : provider(name, upstreamUrl);
  const providers =
    layout === 'refusing-first'
      ? [provider('refused', refusedUrl as string), upstream('mock')]
      : layout === 'two-with-affinity'
        ? [upstream('mock'), upstream('mock-b')]
        : [upstream('mock')];
  return {
    // Port 0: the OS picks one and ccb announces it. Default logging (info, one JSON line per request).
    server: {
      host: '127.0.0.1',
      port: 0,
      log_format: 'json',
      shutdown_grace: '1s',
      // Every load generator connects from 127.0.0.1: stream-c1000 alone opens over 1000 connections.
      max_connections_per_client: 0,
      // ccb-quiet: request logs (info) and metrics off, to measure what they cost; at warn ccb still prints
      // its listening line.
      ...(quiet ? { metrics: false, log_level: 'warn' } : {}),
    },
    routing: {
      strategy: 'round-robin',
      ...(layout === 'two-with-affinity' ? { affinity: { enabled: true } } : {}),
    },
    ...(variant === 'ccb-dedup' ? { dedup: { messages: 'in_flight' } } : {}),
    // ccb-shared: the layout of docs/deploy.md, one instance of it. The default ccb keeps its ledger in a SQLite
    // file beside the config (ccb-ledger.sqlite) and its state in memory.
    ...(variant === 'ccb-shared' && shared !== undefined
      ? {
          state: { store: 'redis', url: shared.redisUrl, key_prefix: shared.keyPrefix },
          ledger: { url: shared.databaseUrl },
        }
      : {}),
    providers,
  };
}

/**
 * A `kind: bedrock` provider on the mock's Bedrock mode. No `model_map`: the bench's model goes to Bedrock under the
 * built-in table's id, or under its own name when the table lacks it, and the mock answers either.
 */
function bedrockProvider(
  name: string,
  baseUrl: string,
  variant: 'ccb-bedrock' | 'ccb-bedrock-sigv4',
): Record<string, unknown> {
  const credentials = benchBedrockCredentials;
  return {
    name,
    kind: 'bedrock',
    region: credentials.region,
    base_url: baseUrl,
    ...(variant === 'ccb-bedrock'
      ? { api_key: credentials.apiKey }
      : {
          aws: { access_key_id: credentials.accessKeyId, secret_access_key: credentials.secretAccessKey },
        }),
  };
}
