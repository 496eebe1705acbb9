import { z } from 'zod';
import { deepFreeze } from './_deep-freeze.js';
import { type Locate, validate } from './_validate.js';
import { ConfigError } from './config-error.js';
import { type Config, configSchema } from './schema/config-schema.js';

/** Validates expanded data into a deep-frozen {@link Config}, or throws `CCB_CONFIG_INVALID`. */
export function buildConfig(
  data: unknown,
  options: { source?: string | undefined; locate?: Locate },
): Config {
  if (data === null || data === undefined) {
    throw new ConfigError({
      code: 'CCB_CONFIG_INVALID',
      source: options.source,
      issues: [
        {
          path: '',
          message:
            'the config is empty: it needs at least a providers: list (ccb init writes a starter file)',
        },
      ],
    });
  }
  const result = validate(configSchema, data, options.locate);
  if (!result.success) {
    throw new ConfigError({ code: 'CCB_CONFIG_INVALID', source: options.source, issues: result.issues });
  }
  return deepFreeze(result.data);
}

/**
 * Validates one expanded section (`undefined` gives its defaults) into a deep-frozen value, or throws
 * `CCB_CONFIG_INVALID`. It is validated under its own key, so issues carry the full YAML path (`ledger.path`).
 */
export function buildConfigSection<Section extends keyof Config>(
  section: Section,
  value: unknown,
  options: { source?: string | undefined; locate?: Locate },
): Config[Section] {
  const schema = z.object({ [section]: configSchema.shape[section] });
  const result = validate(schema, { [section]: value }, options.locate);
  if (!result.success) {
    throw new ConfigError({ code: 'CCB_CONFIG_INVALID', source: options.source, issues: result.issues });
  }
  return deepFreeze((result.data as Record<string, unknown>)[section]) as Config[Section];
}
