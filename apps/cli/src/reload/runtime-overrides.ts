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
 * took out; they end with `enable`/`PATCH`, with a `?persist=true` that writes them into the file, or when their
 * provider leaves the configuration.
 */
export class RuntimeOverrides {
  readonly #byProvider = new Map<string, ProviderOverride>();

  /** The override of `provider`; an empty object when it has none. */
  of(provider: string): ProviderOverride {
    return this.#byProvider.get(provider) ?? {};
  }

  /** Merges `patch` into the override of `provider`; `undefined` fields are cleared. */
  set(provider: string, patch: { [Field in keyof ProviderOverride]?: ProviderOverride[Field] | undefined }): void {
    const merged: Record<string, unknown> = { ...this.#byProvider.get(provider) };
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) delete merged[field];
      else merged[field] = value;
    }
    if (Object.keys(merged).length === 0) this.#byProvider.delete(provider);
    else this.#byProvider.set(provider, merged as ProviderOverride);
  }

  /** Drops the overrides of providers no longer configured. */
  keepOnly(providers: ReadonlySet<string>): void {
    for (const provider of this.#byProvider.keys()) if (!providers.has(provider)) this.#byProvider.delete(provider);
  }

  /** The routing fields in force for a provider configured with `configured`. */
  effective(provider: string, configured: RoutingFields): RoutingFields {
    const override = this.#byProvider.get(provider);
    if (override === undefined) return configured;
    return {
      weight: override.weight ?? configured.weight,
      priority: override.priority ?? configured.priority,
      enabled: override.draining === true ? false : (override.enabled ?? configured.enabled),
    };
  }
}
