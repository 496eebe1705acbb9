import { ConfigError } from '../src/config-error.js';
import { parseConfig } from '../src/parse-config.js';

/** The smallest valid config: one provider with an API key. */
export const minimal = `providers:
  - name: primary
    base_url: https://api.anthropic.com
    api_key: sk-test
`;

/** Runs `parseConfig` expecting a `ConfigError` and returns it. */
export function parseError(text: string, env: Record<string, string> = {}): ConfigError {
  try {
    parseConfig(text, { env, source: 'ccb.yaml' });
  } catch (error) {
    if (ConfigError.is(error)) return error;
    throw error;
  }
  throw new Error('expected parseConfig to throw');
}
