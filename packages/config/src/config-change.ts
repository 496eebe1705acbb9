/** One difference between two configurations, safe to log: no secret, nor a piece of one, ever appears in it. */
export interface ConfigChange {
  /**
   * Where, in config notation with providers by name: `server.port`, `providers.b.weight`, `providers.c` (added or
   * removed), `auth.api_keys`, `routing.rules`. Lets a caller single out what cannot change live (`server.host`).
   */
  readonly path: string;
  /** One readable line: `provider b: weight 1 -> 3`, `auth.api_keys: 1 key added, 2 removed`. */
  readonly summary: string;
}
