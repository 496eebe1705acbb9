import { modelFamilies } from '@ccb/protocol';
import { z } from 'zod';
import { durationField, positiveDurationField } from './_fields.js';

/** How the router picks among eligible providers. */
export const routingStrategies = ['round-robin', 'weighted', 'priority', 'cost'] as const;

export type RoutingStrategyName = (typeof routingStrategies)[number];

/** `routing.affinity:` — keep each Claude Code session on the provider whose prompt cache is warm. */
const affinitySchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({
      description:
        'Keep each session on the provider that served it while that provider is usable. Default true.',
    }),
    ttl: positiveDurationField('set routing.affinity.enabled: false to turn session affinity off')
      .prefault('1h')
      .meta({ description: 'How long an idle session stays bound, more than 0. Default 1h.' }),
    max_sessions: z.number().int().min(1).default(10_000).meta({
      description: 'Most sessions remembered (least recently used are forgotten first). Default 10000.',
    }),
  })
  .meta({ description: 'Session affinity (prompt-cache aware routing).' });

/** One `routing.rules[]` entry: route requests with these traits to a group of providers, optionally another model. */
const ruleSchema = z
  .strictObject({
    name: z.string().min(1).meta({ description: 'Rule name, shown in logs.' }),
    match: z
      .strictObject({
        model: z.string().min(1).optional().meta({ description: 'Model glob, e.g. claude-haiku-*.' }),
        family: z
          .enum(modelFamilies)
          .optional()
          .meta({ description: `Model family: ${modelFamilies.join(', ')}.` }),
        thinking: z
          .boolean()
          .optional()
          .meta({ description: 'Requests with (true) or without (false) extended thinking.' }),
        min_input_tokens: z.number().int().min(0).optional().meta({
          description: 'Requests whose input is at least this many tokens (estimated from the body size).',
        }),
      })
      .meta({ description: 'Every given trait must hold.' }),
    providers: z.array(z.string().min(1)).min(1).optional().meta({
      description:
        'Provider names this rule routes to (the strategy picks among them). Absent: every provider.',
    }),
    model: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Send this model instead of the requested one.' }),
  })
  .meta({ description: 'A model rule.' });

/** `routing:` — provider selection and failover. */
export const routingSchema = z
  .strictObject({
    strategy: z.enum(routingStrategies).default('weighted').meta({
      description:
        'round-robin (equal turns), weighted (in proportion to provider weight), priority (configuration order) or cost (cheapest provider for the model first). Priority tiers apply to all. Default weighted.',
    }),
    max_attempts: z.number().int().min(1).default(3).meta({
      description: 'Most distinct providers tried for one request before giving up, at least 1. Default 3.',
    }),
    first_content_timeout: durationField().prefault('30s').meta({
      description:
        'How long a stream may take to produce its first content before ccb fails over (nothing has reached the client yet). 0 turns the hold off: a stream is committed with its headers, so an error right after message_start can no longer fail over. Default 30s.',
    }),
    affinity: affinitySchema.prefault({}),
    allow_subscription_pool: z.boolean().default(false).meta({
      description:
        "Allow more than one auth_type oauth provider. Anthropic's terms reserve subscription accounts for their owner's own use of Claude Code and Claude.ai; pooling several to serve other people is against them. Sessions stay sticky across such accounts. Default false.",
    }),
    rules: z.array(ruleSchema).prefault([]).meta({
      description:
        'Model rules, tried in order before provider selection; the first match routes the request to its providers (and model). Default [].',
    }),
  })
  .meta({ description: 'Provider selection and failover.' });

/** The resolved `routing:` section; `first_content_timeout` is in milliseconds. */
export type RoutingConfig = z.output<typeof routingSchema>;
