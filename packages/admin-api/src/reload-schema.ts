import { z } from 'zod';
import { isoTimestamp } from './wire-values.js';

/**
 * The answer to `POST /admin/reload` (and what `SIGHUP` and the file watcher log). `applied` and `unchanged` are
 * sent with 200; `rejected` with 422 and the same shape, so that a client reads `errors` from one place.
 */
export const reloadResultSchema = z
  .object({
    result: z.enum(['applied', 'unchanged', 'rejected']).meta({
      description:
        'applied: the new configuration runs; unchanged: the file says what is already running; rejected: it is invalid, and the running configuration stays.',
    }),
    changes: z.array(z.string()).meta({
      description:
        'One readable line per change (provider b: weight 1 -> 3), never holding a secret; [] unless applied.',
    }),
    restart_required: z.array(z.string()).meta({
      description:
        'Settings that changed in the file but cannot change live (server.host, server.port, ledger, …): they take effect at the next start.',
    }),
    errors: z.array(z.string()).meta({
      description: 'Why the file was rejected, as ccb config check reports it; [] unless rejected.',
    }),
    hash: z.string().meta({
      description:
        'A keyed hash of the configuration now running (after this reload, or still), as ccb_config_info{hash} shows it: it changes with any setting, secrets included, and reveals none.',
    }),
    loaded_at: isoTimestamp.meta({ description: 'When the configuration now running was loaded.' }),
  })
  .meta({
    description: 'What a reload did.',
    examples: [
      {
        result: 'applied',
        changes: ['provider anthropic-backup: weight 1 -> 3', 'provider relay-eu added'],
        restart_required: [],
        errors: [],
        hash: '6f1ed002ab55',
        loaded_at: '2026-12-06T10:02:00.000Z',
      },
      {
        result: 'rejected',
        changes: [],
        restart_required: [],
        errors: ['providers[1].weight: must be an integer >= 1; got 0'],
        hash: '6f1ed002ab55',
        loaded_at: '2026-12-06T10:02:00.000Z',
      },
    ],
  });

/** The `POST /admin/reload` body. */
export type ReloadResult = z.infer<typeof reloadResultSchema>;
