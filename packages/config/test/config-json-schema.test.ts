import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from '../src/config-json-schema.js';
import { starterConfigYaml } from '../src/starter-config.js';
import { jsonSchemaErrors } from './_json-schema-errors.js';

describe('configJsonSchema', () => {
  const schema = configJsonSchema();

  it('is a draft-07 schema of the input format with descriptions and defaults', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const server = (
      schema.properties as Record<string, Record<string, Record<string, Record<string, unknown>>>>
    ).server;
    expect(server?.properties?.port).toMatchObject({
      type: 'integer',
      default: 8000,
      description: expect.any(String),
    });
    expect(server?.properties?.shutdown_grace).toMatchObject({ default: '10s' });
  });

  it('accepts the starter config as written, ${VAR} references included', () => {
    expect(jsonSchemaErrors(schema, parse(starterConfigYaml))).toEqual([]);
  });

  it('accepts numbers or strings for durations and any letter case for log_level', () => {
    const config = {
      server: { log_level: 'DEBUG', shutdown_grace: 2500, body_limit: '1MB' },
      providers: [{ name: 'p', base_url: 'https://a.example', timeouts: { connect: '500ms' } }],
    };
    expect(jsonSchemaErrors(schema, config)).toEqual([]);
  });

  it('rejects unknown keys, bad enums and malformed durations', () => {
    expect(jsonSchemaErrors(schema, { routing: { stratgy: 'weighted' }, providers: [] })).toEqual([
      '$.routing.stratgy: additional property',
      '$.providers: too few items',
    ]);
    expect(
      jsonSchemaErrors(schema, {
        server: { log_level: 'loud', shutdown_grace: '10 sec' },
        providers: [{ name: 'p', base_url: 'https://a.example', auth_type: 'oauth2' }],
      }),
    ).toEqual([
      '$.server.log_level: does not match ^([tT][rR][aA][cC][eE]|[dD][eE][bB][uU][gG]|[iI][nN][fF][oO]|[wW][aA][rR][nN]|[eE][rR][rR][oO][rR]|[sS][iI][lL][eE][nN][tT])$',
      '$.server.shutdown_grace: matches no anyOf branch',
      '$.providers[0].auth_type: not in enum',
    ]);
  });

  it('returns a fresh object each call', () => {
    expect(configJsonSchema()).not.toBe(schema);
    expect(configJsonSchema()).toEqual(schema);
  });
});
