import { z } from 'zod';

/**
 * Every admin error, in the Anthropic API's error shape (https://docs.claude.com/en/api/errors) so that one client
 * reads the proxied API's errors and ccb's own alike: `{"type":"error","error":{"type":…,"message":…}}`, written by
 * `@ccb/protocol`'s `anthropicErrorBody`.
 */
export const adminErrorSchema = z
  .object({
    type: z.literal('error'),
    error: z.object({
      type: z.string().meta({
        description:
          'invalid_request_error (400, 405, 409, 422), authentication_error (401), not_found_error (404), api_error (500, 503).',
      }),
      message: z.string().meta({ description: 'What went wrong and how to fix it. Never holds a secret.' }),
    }),
    request_id: z.string().optional().meta({ description: 'The request id, when one was assigned.' }),
  })
  .meta({
    description: "An error in the Anthropic API's shape.",
    examples: [
      {
        type: 'error',
        error: { type: 'not_found_error', message: 'no provider named "anthropic-backup"' },
      },
    ],
  });

/** An admin error body. */
export type AdminError = z.infer<typeof adminErrorSchema>;
