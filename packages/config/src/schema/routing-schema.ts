import { z } from 'zod';
import { durationField } from './_fields.js';

/** How the router picks among eligible providers. */
export const routingStrategies = ['round-robin', 'weighted', 'priority'] as const;

export type RoutingStrategyName = (typeof routingStrategies)[number];

/** `routing:` — provider selection and failover. */
export const routingSchema = z
  .strictObject({
    strategy: z.enum(routingStrategies).default('weighted').meta({
      description:
        'round-robin (equal turns), weighted (in proportion to provider weight) or priority (lowest priority tier first). Default weighted.',
    }),
    max_attempts: z.number().int().min(1).default(3).meta({
      description: 'Most distinct providers tried for one request before giving up, at least 1. Default 3.',
    }),
    first_content_timeout: durationField().prefault('30s').meta({
      description:
        'How long a stream may take to produce its first content before ccb fails over (nothing has reached the client yet). Default 30s.',
    }),
  })
  .meta({ description: 'Provider selection and failover.' });

/** The resolved `routing:` section; `first_content_timeout` is in milliseconds. */
export type RoutingConfig = z.output<typeof routingSchema>;
