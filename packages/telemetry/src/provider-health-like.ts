/**
 * What the health gauges read of a provider's health: `@ccb/router`'s `ProviderHealth` satisfies it as is (via
 * `budget`), and any other source can fill `remaining` instead. Declared here, narrow on purpose, so telemetry never
 * imports the router (libraries are leaves; the CLI passes the real snapshots).
 */
export interface ProviderHealthLike {
  readonly name: string;
  /** Circuit state: `closed`, `open`, `half_open` (`half-open` is accepted too). */
  readonly state: string;
  /** ms epoch when the cool-down or open circuit ends; `null`/absent when none. */
  readonly coolingDownUntil?: number | null | undefined;
  /** Remaining rate-limit budget; wins over `budget` when both are given. */
  readonly remaining?:
    | { readonly requests?: number | undefined; readonly tokens?: number | undefined }
    | undefined;
  /** `@ccb/router`'s budget readings. */
  readonly budget?:
    | {
        readonly requests?: { readonly remaining: number | null } | null | undefined;
        readonly tokens?: { readonly remaining: number | null } | null | undefined;
      }
    | null
    | undefined;
  /**
   * Subscription ("unified") windows as last reported (`@ccb/router`'s `unified`), by window name (`5h`, `7d`,
   * `overage`): fraction used (above 1 when exhausted) and reset time in ms epoch, each `null` when not sent.
   */
  readonly unified?:
    | {
        readonly windows: Readonly<
          Record<string, { readonly utilization: number | null; readonly resetAt: number | null }>
        >;
      }
    | null
    | undefined;
}
