import { z } from 'zod';

/** A list of names, or `all`. */
function allOrList(item: z.ZodString, description: string) {
  return z
    .union([z.literal('all'), z.array(item)])
    .optional()
    .meta({ description });
}

/**
 * `providers[].capabilities` — overrides of the provider's kind profile, field by field (issue #17): what it
 * accepts of the Messages API and whose key signs its thinking blocks. Absent fields keep the kind's value.
 */
export const providerCapabilitiesSchema = z
  .strictObject({
    betas: allOrList(
      z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, {
        error: 'must be an anthropic-beta flag such as effort-2025-11-24',
      }),
      'anthropic-beta flags forwarded: all, or a list (others are removed from this provider’s requests). Default: the kind’s (all; for bedrock and vertex the flags they document).',
    ),
    server_tools: allOrList(
      z.string().regex(/^[a-z][a-z0-9_]*$/, {
        error: 'must be a server tool name without its date, e.g. web_search',
      }),
      'Server tools it runs, by name without the date (web_search, web_fetch, code_execution, …): all or a list. Default: the kind’s (all for anthropic, none for anthropic-compatible).',
    ),
    context_management: z.boolean().optional().meta({
      description:
        'It applies context_management edits; a request with a real edit goes only to providers that do. Default: the kind’s (false for anthropic-compatible).',
    }),
    count_tokens: z.boolean().optional().meta({
      description:
        'It answers POST /v1/messages/count_tokens; false sends token counts to other providers (or a clear 400). Default: the kind’s (false for anthropic-compatible).',
    }),
    context_1m: z.boolean().optional().meta({
      description:
        'It serves the 1M-token context window (beta context-1m-2025-08-07). Default: the kind’s (false for anthropic-compatible).',
    }),
    cache_control_limit: z.number().int().min(0).optional().meta({
      description:
        'Most cache_control breakpoints it accepts in one request (documentation; ccb never adds any). Default 4.',
    }),
    tool_id_pattern: z
      .string()
      .min(1)
      .check((context) => {
        try {
          new RegExp(context.value);
        } catch (error) {
          context.issues.push({
            code: 'custom',
            input: context.value,
            message: `is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
      })
      .optional()
      .meta({
        description: 'Regular expression every tool_use id must match there. Default ^[a-zA-Z0-9_-]+$.',
      }),
    signature_domain: z.string().min(1).optional().meta({
      description:
        'Whose key signs its thinking blocks: anthropic (first-party API, bedrock, vertex) or, by default for anthropic-compatible, the provider’s name. Providers of one domain share sessions safely.',
    }),
  })
  .meta({
    description:
      'Overrides of the kind’s capability profile (betas, server tools, …); see docs/capabilities.md.',
  });
