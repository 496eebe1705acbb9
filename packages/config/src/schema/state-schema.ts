import { z } from 'zod';
import { evenWithFieldErrors, secretField } from './_fields.js';

/** Where live routing state lives: this process's memory, or Redis shared by every instance. */
export const stateStores = ['memory', 'redis'] as const;

/** `state:` — live state (health, cool-downs, affinity, budget counters, admin overrides), local or shared. */
export const stateSchema = z
  .strictObject({
    store: z.enum(stateStores).default('memory').meta({
      description:
        'memory: this instance alone. redis: every instance sharing url learns the others’ cool-downs, circuits, session bindings, budget spend and admin overrides; each keeps a local replica, so no request waits on Redis. Default memory.',
    }),
    url: secretField()
      .regex(/^rediss?:\/\//, { error: 'must be a redis:// or rediss:// URL' })
      .optional()
      .meta({
        description:
          'The Redis server for store: redis, e.g. redis://127.0.0.1:6379/0. Use ${VAR}: it may carry a password.',
      }),
    key_prefix: z.string().min(1).default('ccb:').meta({
      description:
        'Prefix of every Redis key and channel, so that several ccb deployments can share one Redis. Default ccb:.',
    }),
  })
  .superRefine((state, context) => {
    const { store, url } = state as { store?: unknown; url?: unknown };
    if (store === 'redis' && url === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'is required for store: redis, e.g. url: ${REDIS_URL}',
      });
    }
  }, evenWithFieldErrors)
  .meta({ description: 'Live state: local memory, or Redis shared by several instances.' });

export type StateConfig = z.output<typeof stateSchema>;
