import type { ConfigInput } from './schema/config-schema.js';

/**
 * Identity helper that types a config written in JS/TS (`export default defineConfig({ … })`).
 * Pass the result to `resolveConfig` to validate it and apply defaults.
 */
export function defineConfig(input: ConfigInput): ConfigInput {
  return input;
}
