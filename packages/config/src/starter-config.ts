/**
 * The commented starter `ccb.yaml` that `ccb init` writes. It is valid as soon as `ANTHROPIC_API_KEY` is set:
 * the second provider is an example, disabled, whose key falls back to a placeholder.
 * Tests keep it in step with the schema: every key the schema knows appears in it.
 */
export const starterConfigYaml = `# CC-Balancer (ccb) configuration.
# Point Claude Code at ccb:  ANTHROPIC_BASE_URL=http://127.0.0.1:8000 claude
# Values may use environment variables: \${VAR}, or \${VAR:-default} when VAR is unset or empty
# ($\${VAR} is a literal "\${VAR}"). Variables also come from a .env beside this file or in the
# working directory; they never override variables that are already set.
# Durations: milliseconds or "500ms", "10s", "1.5m", "1h". Sizes: bytes or "512KiB", "32MiB", "1MB".
# Unknown keys are errors, so a typo is reported instead of silently ignored.

server:
  host: 127.0.0.1        # interface to listen on; 0.0.0.0 for all interfaces (then set auth.api_keys)
  port: 8000             # 0..65535; 0 lets the OS choose
  log_level: info        # trace | debug | info | warn | error | silent (case-insensitive)
  log_format: auto       # auto (pretty on a terminal, JSON otherwise) | json | pretty
  body_limit: 32MiB      # largest request body accepted
  shutdown_grace: 10s    # time in-flight requests get to finish on shutdown (0: cut at once)
  metrics: true          # Prometheus metrics at /metrics (guarded like /admin/*, see auth.admin_key)
  log_bodies: false      # never log bodies unless this is on (debug level only; secrets still redacted)
  allowed_hosts: []      # more names clients reach ccb by (Host header), e.g. [ccb.internal, "192.168.1.5:8000"];
                         # localhost, 127.0.0.1, [::1] and server.host always work, other names get 421
  cors_origins: []       # web pages allowed to call ccb, e.g. ["https://app.example.com"]; pages of any other
                         # origin are refused (403)
  extra_api_routes: []   # /v1/ routes to forward beyond the Anthropic API, e.g. ["GET /v1/organizations/*"]
  # Slow or greedy clients: none of these ever cuts a response in progress.
  headers_timeout: 30s   # a request line and headers must arrive within this (else 408, connection closed)
  body_timeout: 30s      # longest silence while a request body arrives (per gap: slow steady uploads are fine)
  idle_timeout: 65s      # an idle keep-alive connection is closed after this
  max_connections_per_client: 256  # open connections per client address (loopback too); 0 = no cap
  max_body_memory: 512MiB          # request bodies held at once (kept for failover); over it: 503, retry soon

auth:
  # Keys clients must present to ccb (x-api-key or Authorization: Bearer). Empty: no client auth,
  # fine on 127.0.0.1. Setting any rules out auth_type passthrough providers. Use random keys of 16
  # characters or more (openssl rand -hex 24): shorter ones are refused beyond loopback.
  api_keys: []
  #   - \${CCB_API_KEY}
  # Protects /metrics and /admin/*: one key, or a list (several admins, or the old and the new key
  # while rotating), each different from every client key. Unset: those endpoints answer only clients
  # on this machine (loopback), unless ccb serve is given --allow-open-admin.
  # admin_key: \${CCB_ADMIN_KEY}
  # Keys the fingerprints that name client keys in logs, metrics, the ledger and budgets. Unset: one
  # is generated into ccb-fingerprint.key beside the ledger file.
  # fingerprint_secret: \${CCB_FINGERPRINT_SECRET}

routing:
  strategy: weighted          # round-robin | weighted (by provider weight) | priority (lowest tier first)
  max_attempts: 3             # distinct providers tried per request before giving up (>= 1)
  first_content_timeout: 30s  # fail over if a stream sends no content in this time (before anything reaches the client; 0: off)
  affinity:                   # keep each Claude Code session on one provider: its prompt cache stays warm
    enabled: true
    ttl: 1h                   # an idle session is forgotten after this
    max_sessions: 10000
  allow_subscription_pool: false   # more than one auth_type oauth account: against Anthropic's terms when it
                              # serves other people; sessions stay sticky across such accounts
  rules: []                   # model rules, first match wins; examples:
  #  - name: background       # Claude Code's small/fast model calls go to a cheap group
  #    match: { family: haiku }
  #    providers: [backup]
  #  - name: long-context     # huge prompts to a provider with a different model
  #    match: { min_input_tokens: 150000 }
  #    providers: [anthropic-primary]
  #    model: claude-sonnet-4-6
  #  - name: thinking
  #    match: { thinking: true, model: "claude-opus-*" }
  #    providers: [anthropic-primary]

health:
  enabled: true               # skip failing or rate-limited providers until they recover (circuit breaking)
  failure_threshold: 3        # consecutive failures that open a provider's circuit
  failure_rate_threshold: 0.5 # ...or this failure rate over the last window_size requests
  window_size: 20
  min_requests_in_window: 10
  cooldown: 10s               # first cool-down of an open circuit; doubles (backoff_multiplier) up to max_cooldown
                              # (a cool-down of 0 means none; probe interval/timeout, affinity ttl and ledger
                              # durations must be more than 0)
  max_cooldown: 5m
  backoff_multiplier: 2
  auth_failure_cooldown: 10m  # a provider answering 401/403 has bad credentials: skip it this long
  rate_limit_cooldown: 10s    # after a 429 without retry-after or reset headers
  overloaded_cooldown: 2s     # after a 529 overloaded answer
  request_scoped_429_cooldown: 1s
  spend_limit_cooldown: 24h   # a provider over its spend limit is benched this long
  low_budget_threshold: 0.05  # move traffic away before the 429s start: de-prioritize under 5% of a rate limit left
  unified_utilization_threshold: 0.9   # same for subscription windows (5-hour / 7-day utilization)
  half_open_trial_timeout: 60s
  probe:
    enabled: false            # background checks: find failures and recoveries without spending user requests
    interval: 30s
    timeout: 5s
    kind: models              # models (GET /v1/models) | count_tokens | tcp

ledger:                       # every request's tokens and cost (never bodies), for ccb usage and budgets
  enabled: true
  path: ccb-ledger.sqlite     # relative to this file
  # url: \${DATABASE_URL}     # postgres://…: one ledger shared by every instance, instead of the file
  batch_interval: 1s          # writes are batched off the request path
  retention: 30d

pricing: {}                   # built-in Claude list prices; replace them with { file: prices.yaml }

dedup:                        # identical requests of one client key in flight share one upstream call
  count_tokens: true          # Claude Code sends dozens of identical count_tokens calls at startup
  count_tokens_ttl: 60s       # a completed count_tokens or models answer is reused this long
  models: true                # GET /v1/models likewise
  messages: off               # in_flight: an identical message request joins the one in flight (same answer)
  max_replay_bytes: 8MiB      # of a call kept for late joiners
  retry_grace: 0s             # keep a call this long after its last client left, for that client's retry

state:                        # live state: cool-downs, circuits, session bindings, budget spend, admin overrides
  store: memory               # memory (this instance) | redis (shared by every instance, local replica each)
  # url: \${REDIS_URL}        # redis://127.0.0.1:6379/0, required for store: redis
  key_prefix: "ccb:"          # of every Redis key and channel

budgets: []                   # spend/token caps per UTC day and month; over budget a provider is skipped,
#  - provider: anthropic-primary   # a client key gets 429 until the window resets
#    daily_usd: 50
#    monthly_usd: 500
#  - key: "*"                 # each client key (or one key: \${CCB_API_KEY}, or its fingerprint)
#    daily_usd: 20
#    daily_tokens: 5000000
#    monthly_tokens: 100000000

providers:                    # at least one, and at least one enabled
  - name: anthropic-primary   # unique; letters, digits, ".", "_", "-"
    kind: anthropic           # anthropic | anthropic-compatible | bedrock | vertex (see below)
    base_url: https://api.anthropic.com   # without /v1; may carry a path prefix (https://host/api/anthropic)
    auth_type: api_key        # api_key (x-api-key) | bearer (Authorization: Bearer) | passthrough (client's own
                              # credential) | oauth (a Claude subscription account, see oauth below)
    api_key: \${ANTHROPIC_API_KEY}         # required for api_key and bearer; omit for passthrough and oauth
    weight: 2                 # share of traffic under the weighted strategy (integer >= 1)
    priority: 1               # tier (integer >= 0): the lowest tier with a usable provider takes the traffic
    enabled: true
    headers: {}               # extra headers sent upstream, e.g. { x-team: platform }
    models: []                # models served, globs allowed (e.g. ["claude-*"]); [] serves every model
    model_map: {}             # rename the requested model for this provider, e.g. { claude-sonnet-4-6: my-sonnet }
    timeouts:
      connect: 10s            # opening the connection (TCP + TLS); 0 turns a timeout off
      first_byte: 10m         # waiting for the response headers
      stream_idle: 5m         # longest silence between two chunks of a response
    pricing:
      multiplier: 1           # 0.6 for a reseller at 60% of list price, 0 for a subscription account
      models: {}              # per model glob: { input, cache_write_5m, cache_write_1h, cache_read, output } or free

  # A Claude Pro/Max subscription account (auth_type oauth); run \`ccb login max-account\` to sign in.
  # - name: max-account
  #   auth_type: oauth          # base_url defaults to https://api.anthropic.com
  #   oauth:
  #     token_file: ccb-oauth-max-account.json   # written by ccb login (mode 0600); refreshed tokens go here
  #     # or inline: access_token: \${CLAUDE_CODE_OAUTH_TOKEN}   (from claude setup-token; no refresh needed)
  #     #   refresh_token: \${CLAUDE_REFRESH_TOKEN}   (needs token_file, where rotated ones are kept)
  #     #   expires_at: 2026-12-31T00:00:00Z
  #     refresh_before: 5m      # refresh this long before the access token expires
  #     # Claude Code's own endpoints by default: token_url:, authorize_url:, redirect_uri:, client_id:, scopes:

  # Claude on Amazon Bedrock (InvokeModel, SigV4-signed); model ids map to Bedrock's (claude-sonnet-4-5 to
  # anthropic.claude-sonnet-4-5-20250929-v1:0), model_map wins.
  # - name: bedrock-east
  #   kind: bedrock
  #   region: us-east-1         # required; base_url defaults to https://bedrock-runtime.{region}.amazonaws.com
  #   aws:
  #     access_key_id: \${AWS_ACCESS_KEY_ID}
  #     secret_access_key: \${AWS_SECRET_ACCESS_KEY}
  #     session_token: \${AWS_SESSION_TOKEN}   # only for temporary credentials
  #   # or, instead of aws: api_key: \${AWS_BEARER_TOKEN_BEDROCK}   (a Bedrock API key, sent as Bearer)
  #   priority: 2

  # Claude on Google Vertex AI (rawPredict, Google access tokens); model ids map to Vertex's (claude-sonnet-4-5 to
  # claude-sonnet-4-5@20250929), model_map wins.
  # - name: vertex
  #   kind: vertex
  #   region: us-east5          # required (or global); base_url defaults to https://{region}-aiplatform.googleapis.com
  #   gcp:
  #     project: my-project     # required
  #     credentials_file: vertex-sa.json   # a service-account key or gcloud's authorized_user file, relative to this file
  #     # or: access_token: \${GOOGLE_ACCESS_TOKEN}   (fixed, never refreshed)
  #     # or neither: application default credentials (GOOGLE_APPLICATION_CREDENTIALS, then
  #     #   ~/.config/gcloud/application_default_credentials.json from gcloud auth application-default login)
  #   priority: 2

  # An example backup provider. Set BACKUP_API_KEY and enabled: true to use it.
  - name: backup
    base_url: https://api.anthropic.com
    auth_type: api_key
    api_key: \${BACKUP_API_KEY:-unset}
    weight: 1
    priority: 2               # fallback tier: used only while no tier-1 provider is usable
    enabled: false

  # A third party speaking the Messages API. Its kind's profile: no server tools, context_management, count_tokens
  # or 1M window, its own signature domain; capabilities overrides any field (see docs/capabilities.md).
  # - name: glm
  #   kind: anthropic-compatible
  #   base_url: https://example-provider/api/anthropic
  #   api_key: \${GLM_KEY}
  #   capabilities:
  #     betas: all              # all | [flag, …]: anthropic-beta flags forwarded, others removed
  #     server_tools: []        # all | [web_search, web_fetch, code_execution, …]
  #     context_management: false
  #     count_tokens: false     # true when it answers /v1/messages/count_tokens
  #     context_1m: false
  #     cache_control_limit: 4
  #     tool_id_pattern: ^[a-zA-Z0-9_-]+$
  #     signature_domain: glm   # default: its name (anthropic for anthropic, bedrock, vertex)
`;

/** The `.env.example` that `ccb init` writes next to the starter config: every variable it references. */
export const starterEnvExample = `# Variables referenced by ccb.yaml. Copy to .env and fill in; .env never overrides the real environment.

# Key for the anthropic-primary provider (required).
ANTHROPIC_API_KEY=

# Key for the example backup provider (optional; also set enabled: true in ccb.yaml).
BACKUP_API_KEY=

# Key for the commented-out anthropic-compatible example provider glm (optional).
GLM_KEY=

# AWS credentials for a kind bedrock provider (optional).
AWS_ACCESS_KEY_ID=
AWS_SECRET_ACCESS_KEY=
AWS_SESSION_TOKEN=
AWS_BEARER_TOKEN_BEDROCK=

# A fixed Google access token for a kind vertex provider (optional; most use credentials_file instead).
GOOGLE_ACCESS_TOKEN=

# Keys clients present to ccb, if you enable auth.api_keys / auth.admin_key in ccb.yaml (optional).
CCB_API_KEY=
CCB_ADMIN_KEY=

# Secret keying client-key fingerprints, if you set auth.fingerprint_secret (optional; openssl rand -hex 32).
CCB_FINGERPRINT_SECRET=

# A Claude subscription account's token from \`claude setup-token\`, for an auth_type oauth provider (optional).
CLAUDE_CODE_OAUTH_TOKEN=
CLAUDE_REFRESH_TOKEN=

# Shared state and ledger for several instances: state.store redis and ledger.url (optional).
REDIS_URL=
DATABASE_URL=

# Which config file to read, if not ./ccb.yaml or ./config.yaml (optional).
# CCB_CONFIG=
`;
