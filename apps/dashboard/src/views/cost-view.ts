import type { AdminProvider, BudgetsReport, UsageReport } from '@ccb/admin-api';
import { affinityText, budgetLine, cacheSavingsText, sortBudgets } from '../budget-lines.js';
import { h, replace } from '../dom.js';
import { formatCount, formatPercent, formatUsd } from '../format.js';

/** The usage reports the cost section shows: by provider, model and client key, for a day and for a month. */
export interface CostReports {
  readonly day: Record<'provider' | 'model' | 'key', UsageReport>;
  readonly month: Record<'provider' | 'model' | 'key', UsageReport>;
}

function table(caption: string, report: UsageReport): HTMLElement {
  const rows = [...report.rows].sort((left, right) => right.costUsd - left.costUsd);
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, report.by),
        h('th', { scope: 'col' }, 'requests'),
        h('th', { scope: 'col' }, 'tokens in / out'),
        h('th', { scope: 'col' }, 'cache hits'),
        h('th', { scope: 'col' }, 'cost'),
      ),
    ),
    h(
      'tbody',
      {},
      ...[...rows, report.total].map((row) =>
        h(
          'tr',
          { class: row === report.total ? 'total' : undefined },
          h('th', { scope: 'row' }, row === report.total ? 'total' : (row.key ?? '(none)')),
          h('td', {}, formatCount(row.requests)),
          h(
            'td',
            {},
            `${formatCount(row.inputTokens + row.cacheReadInputTokens + row.cacheCreationInputTokens)} / ${formatCount(row.outputTokens)}`,
          ),
          h('td', {}, formatPercent(row.cacheHitRate)),
          h('td', {}, formatUsd(row.costUsd)),
        ),
      ),
    ),
  );
}

/** What the cost section shows; `undefined` for what has not arrived (or could not be read). */
export interface CostData {
  readonly providers: readonly AdminProvider[];
  readonly reports: CostReports | undefined;
  /** Why there are no usage reports (no ledger). */
  readonly unavailable: string | undefined;
  readonly budgets: BudgetsReport | undefined;
}

/** Budgets as bars of what is left, then the prompt cache's hit rate and saving, and session affinity. */
function budgetsAndSavings(report: BudgetsReport | undefined, nowInMs: number): HTMLElement[] {
  if (report === undefined) return [];
  const bars = sortBudgets(report.budgets).map((budget) => {
    const line = budgetLine(budget, nowInMs);
    return h(
      'div',
      { class: line.exceeded ? 'bar exceeded' : 'bar' },
      h('span', {}, line.text),
      h('meter', {
        min: 0,
        max: line.max,
        low: line.low,
        high: line.high,
        optimum: line.max,
        value: line.value,
        'aria-label': line.text,
      }),
    );
  });
  return [
    h(
      'div',
      { class: 'budgets' },
      h('h3', {}, 'Budgets'),
      ...(bars.length > 0 ? bars : [h('p', { class: 'note' }, 'No budgets configured.')]),
    ),
    h('p', { class: 'note savings' }, cacheSavingsText(report.cache), ' ', affinityText(report.affinity)),
  ];
}

/** Spend today from the providers list, budgets, and the ledger's reports. */
export function renderCost(container: HTMLElement, data: CostData, nowInMs = Date.now()): void {
  const { providers, reports, unavailable } = data;
  const budgets = budgetsAndSavings(data.budgets, nowInMs);
  const spend = h(
    'ul',
    { class: 'spend' },
    ...providers.map((provider) =>
      h('li', {}, h('strong', {}, provider.name), ` ${formatUsd(provider.spend_today_usd)} today`),
    ),
  );
  if (reports === undefined) {
    replace(
      container,
      spend,
      ...budgets,
      h('p', { class: 'note' }, unavailable ?? 'loading the usage ledger…'),
    );
    return;
  }
  replace(
    container,
    spend,
    ...budgets,
    h(
      'p',
      { class: 'note' },
      `Last 24 hours: ${formatUsd(reports.day.provider.total.costUsd)}, prompt-cache hit rate ${formatPercent(reports.day.provider.total.cacheHitRate)}. Last 30 days: ${formatUsd(reports.month.provider.total.costUsd)}.`,
    ),
    h(
      'div',
      { class: 'tables' },
      table('By provider, last 24 hours', reports.day.provider),
      table('By model, last 24 hours', reports.day.model),
      table('By client key, last 24 hours', reports.day.key),
      table('By provider, last 30 days', reports.month.provider),
      table('By model, last 30 days', reports.month.model),
      table('By client key, last 30 days', reports.month.key),
    ),
  );
}
