import type { Generation } from './_generation.js';
import { ProxyError } from './proxy-error.js';
import type { ProxySettings, Reconfigured } from './proxy-settings.js';
import { buildSnapshot, type SettingsSnapshot, type SnapshotBase } from './settings-snapshot.js';
import type { UpstreamPool } from './upstream.js';

/**
 * A handler's settings, swapped whole by a reload. `current` is what a request reads once, when it starts; the
 * snapshots replaced while requests of theirs were in progress are kept count of until those end, and the pools a
 * reload retired are closed then.
 */
export class LiveSettings {
  /** The snapshot a request starting now runs on. */
  current: SettingsSnapshot;
  readonly #base: SnapshotBase;
  /** Generations of replaced snapshots with requests still in progress. */
  readonly #draining = new Set<Generation>();
  /** Retired pools, until they are closed. */
  readonly #retiring = new Set<UpstreamPool>();
  #closed = false;

  /** @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` for settings that cannot be used. */
  constructor(settings: ProxySettings, base: SnapshotBase) {
    this.#base = base;
    this.current = buildSnapshot(settings, base, undefined).snapshot;
  }

  /**
   * Checks `settings` completely, then swaps them in at once: requests starting from now on run on them, those in
   * progress finish on the snapshot they started with.
   * @throws {ProxyError} `CCB_PROXY_INVALID_OPTIONS` (nothing changed), `CCB_PROXY_CLOSED` after `close()`.
   */
  reconfigure(settings: ProxySettings): Reconfigured {
    if (this.#closed) {
      throw new ProxyError('CCB_PROXY_CLOSED', 'the proxy is closed: its settings can no longer change');
    }
    const { snapshot, retired } = buildSnapshot(settings, this.#base, this.current);
    const replaced = this.current.generation;
    this.current = snapshot;
    if (replaced.active > 0) {
      this.#draining.add(replaced);
      void replaced.drained().then(() => this.#draining.delete(replaced));
    }
    for (const pool of retired) this.#retiring.add(pool);
    // Every older snapshot, not only the one replaced: a retired pool may have served all of them.
    const older = [...this.#draining].map((generation) => generation.drained());
    const drained = Promise.all(older).then(() => this.#closeAll(retired));
    return { retired: retired.map((pool) => pool.name), drained };
  }

  /** Proxied requests in progress, of every snapshot. */
  get inFlight(): number {
    let count = this.current.generation.active;
    for (const generation of this.#draining) count += generation.active;
    return count;
  }

  /** Closes every pool, live and retired; no reload is accepted after. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#closeAll([...this.#base.pools.live, ...this.#retiring]);
  }

  async #closeAll(pools: readonly UpstreamPool[]): Promise<void> {
    await Promise.all(pools.map((pool) => this.#close(pool)));
  }

  /** Closes `pool` once, whoever asks first (its drain, or `close()`). */
  #close(pool: UpstreamPool): Promise<void> {
    if (pool.closing === undefined) {
      // A pool that fails to close is gone all the same: nothing is left to wait for, or to report to.
      pool.closing = pool.dispatcher.close().catch(() => {});
      this.#retiring.delete(pool);
    }
    return pool.closing;
  }
}
