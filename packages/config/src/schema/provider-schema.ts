import { z } from 'zod';
import { quote } from '../_friendly-message.js';
import { durationField, evenWithFieldErrors, secretField, unsendableCharacter } from './_fields.js';

/** How ccb authenticates to a provider. `passthrough` forwards the client's own credential unchanged. */
export const authTypes = ['api_key', 'bearer', 'passthrough'] as const;

export type AuthType = (typeof authTypes)[number];

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
    base_url: baseUrlSchema.meta({
      description:
        'http(s) URL of the Anthropic-compatible API, without /v1; may carry a path prefix (https://host/api/anthropic).',
    }),
    auth_type: z.enum(authTypes).default('api_key').meta({
      description:
        'api_key (x-api-key header), bearer (Authorization: Bearer) or passthrough (forward the client credential). Default api_key.',
    }),
    api_key: secretField().optional().meta({
      description: 'Credential for api_key and bearer; must be absent for passthrough. Use ${VAR}.',
    }),
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
  })
  .superRefine((provider, context) => {
    const { auth_type: authType, api_key: apiKey } = provider as { auth_type?: unknown; api_key?: unknown };
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
  .meta({ description: 'An Anthropic-compatible upstream.' });

/** A resolved provider; timeouts are in milliseconds and `api_key` is absent only for passthrough. */
export type ProviderConfig = z.output<typeof providerSchema>;
/** A provider's resolved `timeouts`, each in milliseconds. */
export type ProviderTimeouts = z.output<typeof providerTimeoutsSchema>;
