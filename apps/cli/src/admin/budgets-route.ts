import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BudgetsReport } from '@ccb/admin-api';
import type { AffinityStats } from '@ccb/router';
import type { CostAccounting } from '../cost-accounting.js';
import { sendJson } from './admin-json.js';

/** What `GET /admin/budgets` reads: the accounting in force and the router's affinity counters. */
export interface BudgetsRouteParts {
  readonly costs: Pick<CostAccounting, 'budgets' | 'cacheSavings'>;
  readonly router: { affinityStats(): AffinityStats };
}

/** The answer of `GET /admin/budgets`; budget names are provider names or key fingerprints, as budgets keep them. */
export function budgetsReport(parts: BudgetsRouteParts): BudgetsReport {
  const cache = parts.costs.cacheSavings();
  const { sessions, hits, moves, misses } = parts.router.affinityStats();
  return {
    budgets: (parts.costs.budgets?.snapshot() ?? []).map((status) => ({
      scope: status.scope,
      name: status.name,
      window: status.window,
      metric: status.metric,
      limit: status.limit,
      used: status.used,
      remaining: Math.max(0, status.limit - status.used),
      exceeded: status.exceeded,
      resets_at: new Date(status.resetsAt).toISOString(),
    })),
    cache: {
      since: new Date(cache.sinceInMs).toISOString(),
      input_tokens: cache.inputTokens,
      cache_creation_input_tokens: cache.cacheCreationInputTokens,
      cache_read_input_tokens: cache.cacheReadInputTokens,
      hit_rate: cache.hitRate,
      saved_usd: cache.savedUsd,
    },
    affinity: { sessions, hits, moves, misses },
  };
}

/** `GET /admin/budgets`: budgets with what is left, prompt-cache savings and session affinity. */
export function budgetsRoute(
  parts: BudgetsRouteParts,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (_request, response) => sendJson(response, 200, budgetsReport(parts));
}
