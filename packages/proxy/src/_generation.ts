/**
 * The proxied requests that started on one settings snapshot and have not ended. A reload retires the connection
 * pools it no longer uses, and closes them once no request of an older snapshot can still send on them: each snapshot
 * counts its requests, and a request pays one increment and one decrement for it (no closure, no allocation).
 */
export class Generation {
  /** Proxied requests of this snapshot in progress. */
  active = 0;
  #drained: Promise<void> | undefined;
  #resolve: (() => void) | undefined;

  /** A request of this snapshot ended. */
  end(): void {
    if (--this.active === 0 && this.#resolve !== undefined) {
      this.#resolve();
      this.#resolve = undefined;
    }
  }

  /**
   * Resolves once no request of this snapshot is in progress. Call it once its snapshot is no longer current: no
   * request can start on it then, so the count only goes down.
   */
  drained(): Promise<void> {
    if (this.#drained === undefined) {
      this.#drained =
        this.active === 0
          ? Promise.resolve()
          : new Promise((resolve) => {
              this.#resolve = resolve;
            });
    }
    return this.#drained;
  }
}
