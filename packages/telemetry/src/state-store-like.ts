/** The shared state store as the metrics read it (the CLI's view of `@ccb/state-redis`'s connection). */
export interface StateStoreLike {
  /** Which store (`redis`), the metrics' `store` label. */
  readonly store: string;
  /** Whether the store is reachable now. */
  readonly up: boolean;
  /** Writes that failed or waited for the store to come back, since the process started. */
  readonly failedWrites: number;
}
