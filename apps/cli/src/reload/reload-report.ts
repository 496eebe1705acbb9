/** How a reload ended, as `POST /admin/reload`, `ccb reload` and the log tell it. */
export interface ReloadReport {
  /** `applied`: a change is in force; `unchanged`: nothing differed; `rejected`: invalid, the running one stays. */
  readonly result: 'applied' | 'unchanged' | 'rejected';
  /** One line per change, no secret in any (`provider b: weight 1 -> 3`). */
  readonly changes: readonly string[];
  /** Settings that changed in the file but need a restart: their running values stay. */
  readonly restartRequired: readonly string[];
  /** Why a rejected file was rejected, as `ccb config check` says it. */
  readonly errors: readonly string[];
  /** Hash of the configuration in force after the reload. */
  readonly hash: string;
  /** When the configuration in force was loaded (ms epoch). */
  readonly loadedAtInMs: number;
}
