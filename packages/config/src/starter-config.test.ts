import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDotenv } from './_parse-dotenv.js';
import { parseConfig } from './parse-config.js';
import { configSchema } from './schema/config-schema.js';
import { starterConfigYaml, starterEnvExample } from './starter-config.js';

/** Every key path the schema knows, e.g. `providers.timeouts.connect`, found by walking object shapes. */
function schemaKeyPaths(): string[][] {
  const paths: string[][] = [];
  const walk = (schema: unknown, prefix: string[]) => {
    const def = (schema as { def?: Record<string, unknown> }).def ?? {};
    if (def.type === 'object') {
      for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) {
        paths.push([...prefix, key]);
        walk(child, [...prefix, key]);
      }
    } else if (def.type === 'array') walk(def.element, prefix);
    else if (def.innerType !== undefined) walk(def.innerType, prefix);
    else if (def.in !== undefined) walk(def.in, prefix);
  };
  walk(configSchema, []);
  return paths;
}

describe('starterConfigYaml', () => {
  it('parses with only ANTHROPIC_API_KEY set', () => {
    const config = parseConfig(starterConfigYaml, { env: { ANTHROPIC_API_KEY: 'sk-test' } });
    expect(config.providers.map((provider) => [provider.name, provider.enabled, provider.api_key])).toEqual([
      ['anthropic-primary', true, 'sk-test'],
      ['backup', false, 'unset'],
    ]);
  });

  it('sets every top-level section of the schema', () => {
    expect(Object.keys(parse(starterConfigYaml))).toEqual(Object.keys(configSchema.shape));
  });

  it('mentions every key the schema knows, at least in a comment', () => {
    const paths = schemaKeyPaths();
    expect(paths).toContainEqual(['providers', 'timeouts', 'stream_idle']);
    expect(paths).toContainEqual(['server', 'log_level']);
    const missing = paths.filter((path) => !new RegExp(`\\b${path.at(-1)}:`).test(starterConfigYaml));
    expect(missing).toEqual([]);
  });
});

describe('starterEnvExample', () => {
  it('lists every variable the starter config references', () => {
    const referenced = new Set(
      [...starterConfigYaml.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]),
    );
    const listed = Object.keys(parseDotenv(starterEnvExample).values);
    expect(parseDotenv(starterEnvExample).problems).toEqual([]);
    for (const name of referenced) {
      if (name !== 'VAR') expect(listed).toContain(name);
    }
  });
});
