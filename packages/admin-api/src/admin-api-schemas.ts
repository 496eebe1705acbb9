import type { z } from 'zod';
import {
  affinityStatsSchema,
  budgetsReportSchema,
  cacheSavingsSchema,
  spendBudgetSchema,
} from './budgets-schema.js';
import { redactedConfigSchema } from './config-schema.js';
import { adminErrorSchema } from './error-schema.js';
import { adminEventSchema, trafficSliceSchema } from './events-schema.js';
import { providerChangeSchema, providerPatchSchema } from './provider-change-schema.js';
import { lastErrorSchema, providerHealthSchema } from './provider-health-schema.js';
import {
  adminProviderSchema,
  providerListSchema,
  providerOverridesSchema,
  providerSettingsSchema,
  providerStateSchema,
  recentTrafficSchema,
} from './provider-schema.js';
import {
  budgetReadingSchema,
  rateLimitSchema,
  unifiedSchema,
  unifiedWindowSchema,
} from './rate-limit-schema.js';
import { reloadResultSchema } from './reload-schema.js';
import { healthStatusSchema, readinessSchema } from './service-schema.js';
import {
  resetResultSchema,
  usageDimensionSchema,
  usageReportSchema,
  usageRowSchema,
} from './usage-schema.js';

/**
 * Every schema of the wire contract by the name it has in the OpenAPI document (`#/components/schemas/<name>`).
 * A schema used inside another is referenced there by this name, not repeated.
 */
export const adminApiSchemas = {
  ProviderList: providerListSchema,
  AdminProvider: adminProviderSchema,
  ProviderSettings: providerSettingsSchema,
  ProviderOverrides: providerOverridesSchema,
  ProviderState: providerStateSchema,
  ProviderHealth: providerHealthSchema,
  LastError: lastErrorSchema,
  RateLimit: rateLimitSchema,
  BudgetReading: budgetReadingSchema,
  Unified: unifiedSchema,
  UnifiedWindow: unifiedWindowSchema,
  RecentTraffic: recentTrafficSchema,
  ProviderPatch: providerPatchSchema,
  ProviderChange: providerChangeSchema,
  RedactedConfig: redactedConfigSchema,
  ReloadResult: reloadResultSchema,
  UsageReport: usageReportSchema,
  UsageRow: usageRowSchema,
  UsageDimension: usageDimensionSchema,
  BudgetsReport: budgetsReportSchema,
  SpendBudget: spendBudgetSchema,
  CacheSavings: cacheSavingsSchema,
  AffinityStats: affinityStatsSchema,
  ResetResult: resetResultSchema,
  HealthStatus: healthStatusSchema,
  Readiness: readinessSchema,
  Error: adminErrorSchema,
  AdminEvent: adminEventSchema,
  TrafficSlice: trafficSliceSchema,
} as const satisfies Record<string, z.ZodType>;

/** The name of a schema in {@link adminApiSchemas}. */
export type AdminApiSchemaName = keyof typeof adminApiSchemas;

/** Schemas that describe what a client sends: documented as their input (optional fields, defaults unapplied). */
export const requestSchemaNames: ReadonlySet<AdminApiSchemaName> = new Set<AdminApiSchemaName>([
  'ProviderPatch',
]);
