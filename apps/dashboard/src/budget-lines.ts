import type { AffinityStats, CacheSavings, SpendBudget } from '@ccb/admin-api';
import { formatClock, formatCount, formatPercent, formatUsd } from './format.js';

/** One budget cap as a bar: its words and the meter's scale (value = what is left). */
export interface BudgetLine {
  readonly text: string;
  readonly value: number;
  readonly max: number;
  /** Below this much left the bar turns red, below `high` amber: a cap running out should catch the eye. */
  readonly low: number;
  readonly high: number;
  readonly exceeded: boolean;
}

const windowWords = { day: 'daily', month: 'monthly' } as const;

function amount(metric: SpendBudget['metric'], value: number): string {
  return metric === 'usd' ? formatUsd(value) : `${formatCount(value)} tokens`;
}

/** `provider alpha, daily: $7.50 of $20.00 left, resets 00:00`; a key is named by its fingerprint only. */
export function budgetLine(budget: SpendBudget, nowInMs: number): BudgetLine {
  const who = budget.scope === 'provider' ? `provider ${budget.name}` : `key ${budget.name}`;
  const reset = formatClock(Date.parse(budget.resets_at), nowInMs);
  const left = budget.exceeded
    ? `used up (${amount(budget.metric, budget.used)} of ${amount(budget.metric, budget.limit)}), resets ${reset}`
    : `${amount(budget.metric, budget.remaining)} of ${amount(budget.metric, budget.limit)} left, resets ${reset}`;
  return {
    text: `${who}, ${windowWords[budget.window]}: ${left}`,
    value: Math.max(0, Math.min(budget.remaining, budget.limit)),
    max: budget.limit,
    low: budget.limit * 0.1,
    high: budget.limit * 0.3,
    exceeded: budget.exceeded,
  };
}

/** Budgets in a stable order: providers first, then keys, by name, day before month, USD before tokens. */
export function sortBudgets(budgets: readonly SpendBudget[]): SpendBudget[] {
  const rank = (budget: SpendBudget) =>
    `${budget.scope === 'provider' ? 0 : 1}\u0000${budget.name}\u0000${budget.window === 'day' ? 0 : 1}${budget.metric === 'usd' ? 0 : 1}`;
  return [...budgets].sort((left, right) =>
    rank(left) < rank(right) ? -1 : rank(left) > rank(right) ? 1 : 0,
  );
}

/** The prompt cache today: hit rate, tokens read and the estimated saving. */
export function cacheSavingsText(cache: CacheSavings): string {
  if (cache.input_tokens + cache.cache_creation_input_tokens + cache.cache_read_input_tokens === 0) {
    return 'Prompt cache today: no prompts yet.';
  }
  return `Prompt cache today: ${formatPercent(cache.hit_rate)} of prompt tokens read from the cache (${formatCount(cache.cache_read_input_tokens)}), saving about ${formatUsd(cache.saved_usd)}.`;
}

/** Session affinity: how often a session went back to the provider whose cache is warm. */
export function affinityText(affinity: AffinityStats): string {
  const planned = affinity.hits + affinity.misses;
  if (planned === 0) return `Session affinity: no sessions yet.`;
  return `Session affinity: ${formatPercent(affinity.hits / planned)} of session requests went back to their provider (${formatCount(affinity.hits)} hits, ${formatCount(affinity.misses)} new, ${formatCount(affinity.moves)} moved); ${formatCount(affinity.sessions)} sessions bound now.`;
}
