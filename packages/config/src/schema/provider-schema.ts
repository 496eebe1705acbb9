import { anthropicApiBaseUrl, claudeOAuth } from '@ccb/protocol';
import { z } from 'zod';
import { quote } from '../_friendly-message.js';
import { durationField, evenWithFieldErrors, secretField, unsendableCharacter } from './_fields.js';
import { providerCapabilitiesSchema } from './capabilities-schema.js';
import {
  bedrockRuntimeUrl,
  providerAwsSchema,
  providerGcpSchema,
  refineBedrock,
  refineVertex,
  vertexApiUrl,
} from './cloud-provider-schema.js';

/**
 * How ccb authenticates to a provider. `passthrough` forwards the client's own credential unchanged; `oauth` signs in
 * as a Claude subscription account (`oauth:` holds its tokens).
 */
export const authTypes = ['api_key', 'bearer', 'passthrough', 'oauth'] as const;

export type AuthType = (typeof authTypes)[number];

/**
 * What an upstream speaks: `anthropic` (the first-party API), `anthropic-compatible` (a third party speaking the
 * Messages API), `bedrock` (Claude on Amazon Bedrock's InvokeModel) or `vertex` (Claude on Google Vertex AI's rawPredict).
 */
export const providerKinds = ['anthropic', 'anthropic-compatible', 'bedrock', 'vertex'] as const;

export type ProviderKind = (typeof providerKinds)[number];

/** Provider names appear in logs, metrics and admin URLs, so they stay URL- and label-safe. */
export const providerNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** RFC 9110 §5.6.2 token: the characters allowed in a header name. */
const headerNamePattern = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function addIssue(context: z.core.ParsePayload, path: PropertyKey[], message: string): void {
  context.issues.push({ code: 'custom', path, message, input: context.value });
}

/**
 * An http(s) base URL, optionally with a path prefix. Output: origin plus path without trailing slashes,
 * ready for `/v1/messages` to be appended.
 */
const baseUrlSchema = z
  .string()
  .meta({ format: 'uri' })
  .transform((value, context) => {
    const fail = (message: string) => {
      context.issues.push({ code: 'custom', input: value, message: `${message}; got ${quote(value)}` });
      return z.NEVER;
    };
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail('must be an absolute http(s) URL such as https://api.anthropic.com');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('must use http or https');
    if (value.includes('?') || value.includes('#'))
      return fail('must not have a query (?…) or fragment (#…)');
    if (url.username !== '' || url.password !== '') {
      return fail('must not contain credentials; put them in api_key or headers');
    }
    const path = url.pathname.replace(/\/+$/, '');
    // Clients append /v1/messages to the base URL themselves, so a /v1 here would double it.
    if (/\/v1$/i.test(path)) return fail('must not end in /v1: ccb appends /v1/messages itself');
    return url.origin + path;
  });

/** An absolute http(s) URL (OAuth endpoints). */
const endpointUrlSchema = z
  .string()
  .meta({ format: 'uri' })
  .check((context) => {
    let url: URL | undefined;
    try {
      url = new URL(context.value);
    } catch {}
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        message: `must be an absolute http(s) URL; got ${quote(context.value)}`,
      });
    }
  });

/** An ISO 8601 time such as `2026-12-06T12:00:00Z`; outputs milliseconds since the epoch. */
const isoTimeSchema = z
  .string()
  .meta({ format: 'date-time' })
  .transform((value, context) => {
    const at = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isFinite(at)) return at;
    context.issues.push({
      code: 'custom',
      input: value,
      message: `must be an ISO 8601 time such as "2026-12-06T12:00:00Z"; got ${quote(value)}`,
    });
    return z.NEVER;
  });

/** `providers[].oauth` — a Claude subscription account's tokens and the OAuth endpoints that renew them. */
export const providerOAuthSchema = z
  .strictObject({
    token_file: z.string().min(1).optional().meta({
      description:
        'JSON file holding the tokens, relative to the config file: written by ccb login (mode 0600), and where refreshed and rotated tokens are stored. When it exists it wins over the inline tokens, which only seed it.',
    }),
    access_token: secretField().optional().meta({
      description:
        'An access token (sk-ant-oat01-…), e.g. ${CLAUDE_CODE_OAUTH_TOKEN} from claude setup-token, which needs no refresh token. Use ${VAR}.',
    }),
    refresh_token: secretField().optional().meta({
      description:
        'A refresh token (sk-ant-ort01-…); it rotates on every refresh, so it needs token_file to keep the new one. Use ${VAR}.',
    }),
    expires_at: isoTimeSchema.optional().meta({
      description:
        'When access_token expires (ISO 8601). Absent: valid until the upstream refuses it (a setup-token lasts a year).',
    }),
    refresh_before: durationField().prefault('5m').meta({
      description: 'Refresh this long before the access token expires. Default 5m.',
    }),
    token_url: endpointUrlSchema.default(claudeOAuth.tokenUrl).meta({
      description: `Token endpoint (code exchange and refresh). Default ${claudeOAuth.tokenUrl}.`,
    }),
    authorize_url: endpointUrlSchema.default(claudeOAuth.authorizeUrl).meta({
      description: `Where ccb login sends you to sign in. Default ${claudeOAuth.authorizeUrl} (Console accounts: https://platform.claude.com/oauth/authorize).`,
    }),
    redirect_uri: endpointUrlSchema.default(claudeOAuth.redirectUri).meta({
      description: `The page that shows the code to paste into ccb login. Default ${claudeOAuth.redirectUri}.`,
    }),
    client_id: z.string().min(1).default(claudeOAuth.clientId).meta({
      description: "OAuth client id. Default Claude Code's own.",
    }),
    scopes: z
      .string()
      .min(1)
      .default(claudeOAuth.scopes)
      .meta({
        description: `Space-separated scopes asked for at login. Default ${claudeOAuth.scopes}.`,
      }),
  })
  .superRefine((oauth, context) => {
    const {
      token_file: tokenFile,
      access_token: accessToken,
      refresh_token: refreshToken,
    } = oauth as {
      token_file?: unknown;
      access_token?: unknown;
      refresh_token?: unknown;
    };
    if (tokenFile === undefined && accessToken === undefined && refreshToken === undefined) {
      context.addIssue({
        code: 'custom',
        path: [],
        message:
          'needs token_file (written by ccb login NAME) or an access_token (e.g. ${CLAUDE_CODE_OAUTH_TOKEN})',
      });
    } else if (refreshToken !== undefined && tokenFile === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['token_file'],
        message:
          'is required with refresh_token: refresh tokens rotate, and the new one must be kept where a restart finds it',
      });
    }
  }, evenWithFieldErrors)
  .meta({ description: 'Claude subscription account (auth_type oauth).' });

/** `providers[].timeouts` — per-provider bounds on an upstream attempt. */
export const providerTimeoutsSchema = z
  .strictObject({
    connect: durationField().prefault('10s').meta({
      description:
        "Bound on opening the connection (TCP and TLS). 0 turns it off (the system's own connect timeout applies). Default 10s.",
    }),
    first_byte: durationField().prefault('10m').meta({
      description:
        'Bound on waiting for the response headers after sending the request. 0 turns it off: a hung upstream then holds the request until the client gives up. Default 10m.',
    }),
    stream_idle: durationField().prefault('5m').meta({
      description:
        'Longest silence allowed between two chunks of a response body. 0 turns it off: a stalled stream then stays open until the client gives up. Default 5m.',
    }),
  })
  .meta({ description: 'Timeouts: milliseconds or durations such as "10s", "5m"; 0 turns one off.' });

const priceSchema = z
  .strictObject({
    input: z.number().min(0).optional(),
    cache_write_5m: z.number().min(0).optional(),
    cache_write_1h: z.number().min(0).optional(),
    cache_read: z.number().min(0).optional(),
    output: z.number().min(0).optional(),
  })
  .meta({ description: 'USD per million tokens; omitted fields keep the table price.' });

/** `providers[].pricing:` — what this provider charges compared with the list prices. */
const providerPricingSchema = z
  .strictObject({
    multiplier: z.number().min(0).default(1).meta({
      description:
        'Scales every list price: 0.6 for a reseller at 60%, 0 for a subscription with no marginal cost. Default 1.',
    }),
    models: z
      .record(z.string().min(1), z.union([priceSchema, z.literal('free')]))
      .prefault({})
      .meta({ description: 'Per model glob: its price (USD per million tokens) or free. Default {}.' }),
  })
  .meta({ description: 'Provider pricing overrides.' });

/** One entry of `providers:` — an Anthropic-compatible upstream. */
export const providerSchema = z
  .strictObject({
    name: z
      .string()
      .regex(providerNamePattern, {
        error: (issue) =>
          `must start with a letter or digit and contain only letters, digits, ".", "_" and "-"; got ${typeof issue.input === 'string' ? quote(issue.input) : 'a non-string'}`,
      })
      .meta({
        description: 'Unique name used in logs, metrics and admin endpoints, e.g. anthropic-primary.',
      }),
    kind: z.enum(providerKinds).default('anthropic').meta({
      description:
        'What the upstream speaks: anthropic (the first-party API), anthropic-compatible (a third party speaking the Messages API), bedrock (Claude on Amazon Bedrock: needs region, and aws or api_key) or vertex (Claude on Google Vertex AI: needs region and gcp). Default anthropic.',
    }),
    base_url: baseUrlSchema.prefault(anthropicApiBaseUrl).meta({
      description: `http(s) URL of the Anthropic-compatible API, without /v1; may carry a path prefix (https://host/api/anthropic). Default ${anthropicApiBaseUrl}; for kind bedrock, https://bedrock-runtime.{region}.amazonaws.com; for kind vertex, https://{region}-aiplatform.googleapis.com (https://aiplatform.googleapis.com for region global).`,
    }),
    region: z.string().min(1).optional().meta({
      description:
        'AWS region of a kind bedrock provider (us-east-1), or Google Cloud location of a kind vertex provider (us-east5, europe-west1, global); required there, absent otherwise.',
    }),
    aws: providerAwsSchema.optional(),
    gcp: providerGcpSchema.optional(),
    auth_type: z.enum(authTypes).default('api_key').meta({
      description:
        'api_key (x-api-key header), bearer (Authorization: Bearer), passthrough (forward the client credential) or oauth (a Claude subscription account, see oauth). Default api_key.',
    }),
    api_key: secretField().optional().meta({
      description:
        'Credential for api_key and bearer; must be absent for passthrough and oauth. For kind bedrock, a Bedrock API key sent as Bearer (instead of aws). Use ${VAR}.',
    }),
    oauth: providerOAuthSchema.optional(),
    weight: z
      .number()
      .int()
      .min(1)
      .default(1)
      .meta({ description: 'Share of traffic under the weighted strategy, an integer >= 1. Default 1.' }),
    priority: z.number().int().min(0).default(1).meta({
      description:
        'Priority tier, an integer >= 0: the lowest tier with a usable provider takes the traffic, higher tiers are fallbacks (every strategy). Default 1.',
    }),
    enabled: z
      .boolean()
      .default(true)
      .meta({ description: 'false keeps the provider configured but unused. Default true.' }),
    headers: z
      .record(
        z.string().meta({ pattern: headerNamePattern.source }),
        // RFC 9110 §5.5: CR, LF and NUL would split or corrupt the header block; other controls are refused too.
        z.string().check((context) => {
          const problem = unsendableCharacter(context.value, { allowTab: true });
          if (problem !== undefined) {
            context.issues.push({ code: 'custom', input: '', message: problem, continue: true });
          }
        }),
      )
      .check((context) => {
        for (const name of Object.keys(context.value)) {
          if (!headerNamePattern.test(name)) addIssue(context, [name], 'is not a valid HTTP header name');
        }
      })
      .prefault({})
      .meta({ description: 'Extra headers sent upstream on every request (string values). Default {}.' }),
    models: z.array(z.string().min(1)).prefault([]).meta({
      description:
        'Model names this provider serves; * and ? globs allowed (claude-*). Default [] serves every model.',
    }),
    model_map: z.record(z.string().min(1), z.string().min(1)).prefault({}).meta({
      description: 'Renames the requested model for this provider: requested: upstream. Default {}.',
    }),
    timeouts: providerTimeoutsSchema.prefault({}),
    pricing: providerPricingSchema.prefault({}),
    capabilities: providerCapabilitiesSchema.optional(),
  })
  .superRefine((provider, context) => {
    const {
      kind,
      auth_type: authType,
      api_key: apiKey,
      oauth,
    } = provider as { kind?: unknown; auth_type?: unknown; api_key?: unknown; oauth?: unknown };
    if (kind === 'vertex') {
      refineVertex(provider as Record<string, unknown>, context);
      return;
    }
    if (kind === 'bedrock') {
      refineBedrock(provider as Record<string, unknown>, context);
      return;
    }
    const onlyFor = { region: 'bedrock and vertex', aws: 'bedrock', gcp: 'vertex' } as const;
    for (const key of ['region', 'aws', 'gcp'] as const) {
      if ((provider as Record<string, unknown>)[key] !== undefined) {
        context.addIssue({ code: 'custom', path: [key], message: `is only for kind ${onlyFor[key]}` });
      }
    }
    if (authType === 'oauth') {
      if (apiKey !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['api_key'],
          message: 'must be absent for auth_type oauth, whose tokens are in oauth:',
        });
      }
      if (oauth === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['oauth'],
          message:
            'is required for auth_type oauth: e.g. oauth: { token_file: ccb-oauth-NAME.json } (then run ccb login NAME)',
        });
      }
    } else if (oauth !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['oauth'],
        message: `is only for auth_type oauth (this provider has auth_type ${String(authType ?? 'api_key')})`,
      });
    }
    if (authType === 'passthrough' && apiKey !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['api_key'],
        message:
          "must be absent for auth_type passthrough, which forwards the client's own credential; remove it or use auth_type api_key/bearer",
      });
    } else if ((authType === 'api_key' || authType === 'bearer') && apiKey === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['api_key'],
        message: `is required for auth_type ${authType}; e.g. api_key: \${ANTHROPIC_API_KEY}`,
      });
    }
  }, evenWithFieldErrors)
  // A Bedrock provider's URL follows from its region. The schema default cannot know the kind, so the Anthropic
  // default is read as "not set" (pointing a Bedrock provider at api.anthropic.com would mean nothing).
  .overwrite((provider) => {
    if (provider.region === undefined || provider.base_url !== anthropicApiBaseUrl) return provider;
    if (provider.kind === 'bedrock') return { ...provider, base_url: bedrockRuntimeUrl(provider.region) };
    if (provider.kind === 'vertex') return { ...provider, base_url: vertexApiUrl(provider.region) };
    return provider;
  })
  .meta({
    description:
      'An upstream: the Anthropic API, an Anthropic-compatible one, Claude on Amazon Bedrock or Claude on Google Vertex AI.',
  });

/** A resolved provider; timeouts are in milliseconds and `api_key` is absent only for passthrough and oauth. */
export type ProviderConfig = z.output<typeof providerSchema>;
/** A provider's resolved `timeouts`, each in milliseconds. */
export type ProviderTimeouts = z.output<typeof providerTimeoutsSchema>;
/** A provider's resolved `oauth:`; `expires_at` is in milliseconds since the epoch. */
export type ProviderOAuthConfig = z.output<typeof providerOAuthSchema>;
