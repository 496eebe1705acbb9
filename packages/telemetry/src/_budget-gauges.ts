import { Gauge, type Registry } from 'prom-client';

/** One budget window, as the metrics read it. */
export interface BudgetStatusLike {
  readonly scope: string;
  readonly name: string;
  readonly window: string;
  readonly metric: string;
  readonly limit: number;
  readonly used: number;
}

/** Registers `budget_remaining{scope,name,window,metric}`, read from the ledger's budget `snapshot` at every scrape. */
export function registerBudgetGauges(
  registry: Registry,
  prefix: string,
  budgetSnapshot: () => readonly BudgetStatusLike[],
): void {
  new Gauge({
    name: `${prefix}budget_remaining`,
    help: 'What is left of each budget in its current window (USD or tokens, per the metric label).',
    labelNames: ['scope', 'name', 'window', 'metric'],
    registers: [registry],
    collect() {
      this.reset();
      for (const budget of budgetSnapshot()) {
        this.set(
          { scope: budget.scope, name: budget.name, window: budget.window, metric: budget.metric },
          Math.max(0, budget.limit - budget.used),
        );
      }
    },
  });
}
