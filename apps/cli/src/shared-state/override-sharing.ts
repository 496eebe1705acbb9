import type { ProviderOverride, RuntimeOverrides } from '../reload/runtime-overrides.js';

/** Where overrides go to be shared (the shared state's override store). */
export interface OverrideSink {
  set(provider: string, override: ProviderOverride | undefined): void;
}

/**
 * Shares what an operator changed through this instance's admin API, and only that: each `applied` call compares
 * the overrides with those last in force here and hands the providers that changed to the sink. A reload's own
 * adjustments and a peer's change are taken in with `adopted`, without being sent back.
 */
export interface OverrideSharing {
  /** The overrides now in force came from an operator here: share what changed. */
  applied(overrides: RuntimeOverrides, providers: Iterable<string>): void;
  /** The overrides now in force came from elsewhere (a reload, a peer): remember them, share nothing. */
  adopted(overrides: RuntimeOverrides, providers: Iterable<string>): void;
}

export function createOverrideSharing(sink: OverrideSink): OverrideSharing {
  let inForce = new Map<string, string>();

  function snapshot(overrides: RuntimeOverrides, providers: Iterable<string>): Map<string, string> {
    const next = new Map<string, string>();
    for (const provider of providers) {
      const override = overrides.of(provider);
      if (Object.keys(override).length > 0) next.set(provider, JSON.stringify(override));
    }
    return next;
  }

  return {
    applied(overrides, providers) {
      const next = snapshot(overrides, providers);
      for (const provider of new Set([...inForce.keys(), ...next.keys()])) {
        if (inForce.get(provider) === next.get(provider)) continue;
        const override = overrides.of(provider);
        sink.set(provider, Object.keys(override).length > 0 ? override : undefined);
      }
      inForce = next;
    },
    adopted(overrides, providers) {
      inForce = snapshot(overrides, providers);
    },
  };
}

/** `override` as a patch that replaces the current one whole (`RuntimeOverrides.set` merges). */
export function replacingPatch(
  override: ProviderOverride | undefined,
): Parameters<RuntimeOverrides['set']>[1] {
  return {
    weight: override?.weight,
    priority: override?.priority,
    enabled: override?.enabled,
    draining: override?.draining,
  };
}
