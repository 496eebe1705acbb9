/**
 * The fields of `@ccb/router`'s `ProviderHealthRecord` this package reads and writes, loosely typed: the stores
 * are generic in the record type, so that they satisfy the router's `HealthStore` structurally without importing
 * the router (libraries are leaves; the CLI composes and a type test proves the fit).
 */
export interface HealthRecordShape {
  circuit: string;
  openUntil: number | null;
  openReason: string | null;
  cooldownInMs: number;
  trialStartedAt: number | null;
  consecutiveFailures: number;
  window: number[];
  windowNext: number;
  windowFailures: number;
  rateLimitedUntil: number | null;
  rateLimitClass: string | null;
  lastError: unknown;
  lastSuccessAt: number | null;
  budget: unknown;
  unified: unknown;
  deprioritizedUntil: number | null;
  deprioritizedReason: string | null;
}
