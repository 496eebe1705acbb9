import { z } from 'zod';
import { durationField, sizeField } from './_fields.js';

/** `dedup:` — identical requests in flight share one upstream call. */
export const dedupSchema = z
  .strictObject({
    count_tokens: z.boolean().default(true).meta({
      description:
        'Identical POST /v1/messages/count_tokens calls of one client key in flight share one upstream call, and a completed 2xx answer is reused for count_tokens_ttl. Default true.',
    }),
    count_tokens_ttl: durationField().prefault('60s').meta({
      description:
        'How long a completed count_tokens or models answer is reused (0: only calls in flight are shared). Default 60s.',
    }),
    models: z.boolean().default(true).meta({
      description: 'The same for GET /v1/models. Default true.',
    }),
    messages: z.enum(['off', 'in_flight']).default('off').meta({
      description:
        'in_flight: an identical POST /v1/messages of the same client key arriving while one is in flight joins it and gets the same answer, streams byte for byte (replayed, then live). off: never, since two identical generation requests may want two different samples. Default off.',
    }),
    max_replay_bytes: sizeField().prefault('8MiB').meta({
      description:
        'Bytes of a call kept for joiners who arrive late; past it, a new joiner gets its own upstream call. Default 8MiB.',
    }),
    retry_grace: durationField().prefault('0s').meta({
      description:
        'When the last client of a shared call disconnects, keep the upstream call running this long so that a retry of the same request joins it instead of paying again; then abort it. 0s: abort at once, as without dedup. Default 0s.',
    }),
  })
  .meta({ description: 'Request deduplication: identical requests in flight share one upstream call.' });

/** The resolved `dedup:` section. */
export type DedupConfig = z.output<typeof dedupSchema>;
