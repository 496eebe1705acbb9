/** @ccb/admin-api: the admin API's wire contract (zod schemas), its OpenAPI 3.1 document, and /docs and /redoc. */

export { entityTag, type StaticFile } from './_static-file.js';
export { type AdminApiSchemaName, adminApiSchemas } from './admin-api-schemas.js';
export {
  type AdminAnswer,
  type AdminEndpoint,
  type AdminQueryParameter,
  adminEndpoints,
} from './admin-endpoints.js';
export {
  type AffinityStats,
  affinityStatsSchema,
  type BudgetsReport,
  budgetsReportSchema,
  type CacheSavings,
  cacheSavingsSchema,
  type SpendBudget,
  spendBudgetSchema,
} from './budgets-schema.js';
export { type RedactedConfig, redactedConfigSchema, redactedSecret } from './config-schema.js';
export {
  createDocsRoutes,
  type DocsRequestListener,
  type DocsRoutesOptions,
  redocContentSecurityPolicy,
  sendStaticFile,
  swaggerUiContentSecurityPolicy,
} from './docs-routes.js';
export { type AdminError, adminErrorSchema } from './error-schema.js';
export {
  type AdminEvent,
  adminEventSchema,
  type FailoverEvent,
  failoverAttemptSchema,
  failoverEventSchema,
  type HelloEvent,
  helloEventSchema,
  type ReloadEvent,
  type RouterEventWire,
  reloadEventSchema,
  routerEventSchema,
  type TrafficEvent,
  type TrafficSlice,
  trafficEventSchema,
  trafficSliceSchema,
} from './events-schema.js';
export { type OpenApiDocument, type OpenApiDocumentOptions, openApiDocument } from './openapi-document.js';
export {
  type ProviderChange,
  type ProviderPatch,
  persistQuerySchema,
  providerChangeSchema,
  providerPatchSchema,
} from './provider-change-schema.js';
export {
  type LastErrorWire,
  lastErrorSchema,
  type ProviderHealthWire,
  providerHealthSchema,
} from './provider-health-schema.js';
export {
  type AdminProvider,
  adminProviderSchema,
  type ProviderList,
  type ProviderOverrides,
  type ProviderSettings,
  type ProviderState,
  providerListSchema,
  providerOverridesSchema,
  providerSettingsSchema,
  providerStateSchema,
  type RecentTraffic,
  recentTrafficSchema,
} from './provider-schema.js';
export {
  type BudgetReadingWire,
  budgetReadingSchema,
  type RateLimitWire,
  rateLimitSchema,
  toRateLimitWire,
  toUnifiedWire,
  type UnifiedWindowWire,
  type UnifiedWire,
  unifiedSchema,
  unifiedWindowSchema,
} from './rate-limit-schema.js';
export { type ReloadResult, reloadResultSchema } from './reload-schema.js';
export { type HealthStatus, healthStatusSchema, type Readiness, readinessSchema } from './service-schema.js';
export {
  type ResetResult,
  resetResultSchema,
  type UsageDimension,
  type UsageReport,
  type UsageRow,
  usageDimensionSchema,
  usageReportSchema,
  usageRowSchema,
} from './usage-schema.js';
export { isoOrNull } from './wire-values.js';
