/** @ccb/telemetry: Prometheus metrics and structured, secret-scrubbed request logs from the proxy's request records. */

export type { AccountStateLike } from './_account-gauges.js';
export type { AffinityStatsLike } from './_affinity-gauges.js';
export type { BudgetStatusLike } from './_budget-gauges.js';
export type { ConfigReloadResult } from './_config-metrics.js';
export type { LedgerStatsLike } from './_ledger-gauges.js';
export {
  createLogger,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogMethod,
} from './create-logger.js';
export { type AuthScope, createMetrics, type Metrics, type MetricsOptions } from './create-metrics.js';
export { formatRequestLine } from './format-request-line.js';
export type { LogLoss, LogLossReason, LossReport } from './log-loss.js';
export {
  createModelLabeler,
  type ModelLabeler,
  type ModelLabelerOptions,
  noModelLabel,
  otherModelLabel,
} from './model-label.js';
export type { ProviderHealthLike } from './provider-health-like.js';
export {
  type AttemptLogFields,
  type RequestLogFields,
  requestLogFields,
  type SessionRepairLogFields,
  type TokenLogFields,
} from './request-log-fields.js';
export {
  createSecretScrubber,
  minRedactedLength,
  redactedText,
  type SecretScrubber,
} from './secret-scrubber.js';
export type { StateStoreLike } from './state-store-like.js';
export { TelemetryError, type TelemetryErrorCode, type TelemetryErrorOptions } from './telemetry-error.js';
