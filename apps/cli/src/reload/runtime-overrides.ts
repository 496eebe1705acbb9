/** What an operator changed about one provider at run time, over what the configuration says. */
export interface ProviderOverride {
  readonly weight?: number;
  readonly priority?: number;
  readonly enabled?: boolean;
  /** Drained: no new requests; its running ones finish. `enable` lifts it. */
  readonly draining?: boolean;
}

/** A configured provider's routing fields. */
export interface RoutingFields {
  readonly weight: number;
  readonly priority: number;
  readonly enabled: boolean;
}

/**
 * Runtime overrides of providers (admin API: disable, enable, drain, weight, priority). They sit over the
 * configuration and outlive reloads, so that a reload for some other change never re-enables a provider an operator
 * took out; they end with `enable`/`PATCH`, with a `?persist=true` that writes them into the file, when a reload
 * changes the same field in the file, or when their provider leaves the configuration.
 */
export class RuntimeOverrides {
  readonly #byProvider = new Map<string, ProviderOverride>();

  /** The override of `provider`; an empty object when it has none. */
  of(provider: string): ProviderOverride {
    return this.#byProvider.get(provider) ?? {};
  }

  /** A copy to try a change on; `adopt` puts it in force. */
  clone(): RuntimeOverrides {
    const copy = new RuntimeOverrides();
    for (const [provider, override] of this.#byProvider) copy.#byProvider.set(provider, override);
    return copy;
  }

  /** Takes the overrides of `other` (a clone a change was tried on). */
  adopt(other: RuntimeOverrides): void {
    this.#byProvider.clear();
    for (const [provider, override] of other.#byProvider) this.#byProvider.set(provider, override);
  }

  /** Merges `patch` into the override of `provider`; `undefined` fields are cleared. */
  set(
    provider: string,
    patch: { [Field in keyof ProviderOverride]?: ProviderOverride[Field] | undefined },
  ): void {
    const merged: Record<string, unknown> = { ...this.#byProvider.get(provider) };
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) delete merged[field];
      else merged[field] = value;
    }
    if (Object.keys(merged).length === 0) this.#byProvider.delete(provider);
    else this.#byProvider.set(provider, merged as ProviderOverride);
  }

  /**
   * Follows a reload from `before` to `after` (each provider's configured routing fields by name): drops the
   * overrides of providers no longer configured, and an override of a field the file now sets differently, since
   * whoever edited the file meant that value. Overrides of fields the file left alone stay.
   */
  reconcile(before: ReadonlyMap<string, RoutingFields>, after: ReadonlyMap<string, RoutingFields>): void {
    for (const [provider, override] of this.#byProvider) {
      const next = after.get(provider);
      if (next === undefined) {
        this.#byProvider.delete(provider);
        continue;
      }
      const previous = before.get(provider);
      if (previous === undefined) continue;
      this.set(provider, {
        ...(override.weight !== undefined && previous.weight !== next.weight ? { weight: undefined } : {}),
        ...(override.priority !== undefined && previous.priority !== next.priority
          ? { priority: undefined }
          : {}),
        ...(override.enabled !== undefined && previous.enabled !== next.enabled
          ? { enabled: undefined }
          : {}),
      });
    }
  }

  /** The routing fields in force for a provider configured with `configured` (only these three fields). */
  effective(provider: string, configured: RoutingFields): RoutingFields {
    const override = this.#byProvider.get(provider);
    if (override === undefined) {
      return { weight: configured.weight, priority: configured.priority, enabled: configured.enabled };
    }
    return {
      weight: override.weight ?? configured.weight,
      priority: override.priority ?? configured.priority,
      enabled: override.draining === true ? false : (override.enabled ?? configured.enabled),
    };
  }
}
