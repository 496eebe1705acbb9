/**
 * @ccb/ledger: Claude prices by model family, per-request cost, a batched usage ledger (SQLite, or Postgres shared by
 * several instances), reports and budgets.
 */

export type { WalCheckpoint } from './_wal-checkpointer.js';
export {
  type BudgetAmount,
  type BudgetCounterTotals,
  type BudgetHold,
  type BudgetReserveRequest,
  type BudgetReserveResult,
  type BudgetSettleRequest,
  type BudgetStore,
  type BudgetTotals,
  createMemoryBudgetStore,
} from './budget-store.js';
export type {
  BudgetCheck,
  BudgetClaim,
  BudgetEntry,
  BudgetReservation,
  BudgetReserveOutcome,
  BudgetStatus,
  Budgets,
} from './budgets.js';
export { type Budget, type BudgetsOptions, createBudgets } from './create-budgets.js';
export {
  createLedger,
  type Ledger,
  type LedgerOptions,
  type SpendQuery,
  type SpendTotals,
} from './create-ledger.js';
export {
  createPostgresLedger,
  type PostgresLedger,
  type PostgresLedgerOptions,
  type SpendSnapshot,
} from './create-postgres-ledger.js';
export { createPricing, type Pricing, type PricingOptions, type ProviderPricing } from './create-pricing.js';
export { defaultPriceTable } from './default-price-table.js';
export { formatUsageTable, type UsageTableOptions } from './format-usage-table.js';
export { LedgerError, type LedgerErrorCode, type LedgerErrorOptions } from './ledger-error.js';
export {
  cacheHitRate,
  type LedgerRow,
  totalUsageRow,
  type UsageDimension,
  type UsageQuery,
  type UsageRow,
  usageDimensions,
} from './ledger-row.js';
export type { LedgerWriteStats } from './ledger-write-stats.js';
export { type LoadSqliteDriverOptions, loadSqliteDriver } from './load-sqlite-driver.js';
export { postgresLocation } from './postgres-location.js';
export {
  costOf,
  type Price,
  type PriceTable,
  type PriceTableEntry,
  type PriceTier,
  promptTokens,
  usageTokens,
} from './price.js';
export type {
  SqliteDatabase,
  SqliteDriver,
  SqliteDriverModule,
  SqliteStatement,
  SqliteValue,
} from './sqlite-driver.js';
export { asUsageLedger, type UsageLedger } from './usage-ledger.js';
