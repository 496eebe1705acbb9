import { z } from 'zod';
import { evenWithFieldErrors } from './_fields.js';
import { authSchema } from './auth-schema.js';
import { dedupSchema } from './dedup-schema.js';
import { healthSchema } from './health-schema.js';
import { budgetSchema, ledgerSchema, pricingSchema } from './ledger-schema.js';
import { providerSchema } from './provider-schema.js';
import { routingSchema } from './routing-schema.js';
import { serverSchema } from './server-schema.js';
import { stateSchema } from './state-schema.js';

const passthroughWithClientKeys =
  "passthrough forwards the client's own Anthropic credential, but with auth.api_keys set clients present ccb keys instead; remove auth.api_keys or use auth_type api_key/bearer";

/**
 * The whole config file. A new section is one schema file plus one line here; checks that span
 * sections live in the `.check` below.
 */
export const configSchema = z
  .strictObject({
    server: serverSchema.prefault({}),
    auth: authSchema.prefault({}),
    routing: routingSchema.prefault({}),
    health: healthSchema.prefault({}),
    ledger: ledgerSchema.prefault({}),
    pricing: pricingSchema.prefault({}),
    dedup: dedupSchema.prefault({}),
    state: stateSchema.prefault({}),
    budgets: z.array(budgetSchema).prefault([]).meta({
      description: 'Spend and token caps per UTC day and month, per provider or client key. Default [].',
    }),
    providers: z
      .array(providerSchema, {
        error: (issue) =>
          issue.input === undefined
            ? 'is required: list at least one provider (ccb init writes an example)'
            : undefined,
      })
      .min(1, 'must list at least one provider')
      .meta({ description: 'Anthropic-compatible upstreams, at least one; at least one must be enabled.' }),
  })
  .superRefine((config, context) => {
    const { auth, providers, routing } = config as {
      auth?: { api_keys?: unknown };
      providers?: unknown;
      routing?: { allow_subscription_pool?: unknown };
    };
    if (!Array.isArray(providers)) return;
    const hasClientKeys = Array.isArray(auth?.api_keys) && auth.api_keys.length > 0;
    const firstIndexByName = new Map<string, number>();
    providers.forEach((provider: unknown, index) => {
      if (typeof provider !== 'object' || provider === null) return;
      const { name, auth_type: authType } = provider as { name?: unknown; auth_type?: unknown };
      const firstIndex = typeof name === 'string' ? firstIndexByName.get(name) : undefined;
      if (typeof name === 'string' && firstIndex === undefined) firstIndexByName.set(name, index);
      else if (firstIndex !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['providers', index, 'name'],
          message: `duplicate provider name ${JSON.stringify(name)} (also providers[${firstIndex}])`,
        });
      }
      if (authType === 'passthrough' && hasClientKeys) {
        context.addIssue({
          code: 'custom',
          path: ['providers', index, 'auth_type'],
          message: passthroughWithClientKeys,
        });
      }
    });
    const oauthIndexes = providers.flatMap((provider: unknown, index) =>
      (provider as { auth_type?: unknown } | null)?.auth_type === 'oauth' ? [index] : [],
    );
    if (oauthIndexes.length > 1 && routing?.allow_subscription_pool !== true) {
      context.addIssue({
        code: 'custom',
        path: ['providers', oauthIndexes[1] as number, 'auth_type'],
        message: `a second auth_type oauth provider (${oauthIndexes.length} in all): pooling subscription accounts to serve other people is against Anthropic's terms; keep one, or set routing.allow_subscription_pool: true if every account is yours to use this way`,
      });
    }
    const isDisabled = (provider: unknown) => (provider as { enabled?: unknown } | null)?.enabled === false;
    if (providers.length > 0 && providers.every(isDisabled)) {
      context.addIssue({
        code: 'custom',
        path: ['providers'],
        message: 'at least one provider must be enabled; every provider has enabled: false',
      });
    }
  }, evenWithFieldErrors)
  .meta({
    title: 'CC-Balancer configuration',
    description: 'ccb.yaml: the CC-Balancer proxy configuration.',
  });

/** The resolved, validated, deep-frozen configuration (durations in ms, sizes in bytes, defaults applied). */
export type Config = z.output<typeof configSchema>;
/** What users write: every field with a default is optional; durations and sizes accept numbers or strings. */
export type ConfigInput = z.input<typeof configSchema>;
