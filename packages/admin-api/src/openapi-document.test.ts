import { anthropicApiRoutes } from '@ccb/protocol';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type AdminApiSchemaName, adminApiSchemas, requestSchemaNames } from './admin-api-schemas.js';
import { adminEndpoints } from './admin-endpoints.js';
import { openApiDocument } from './openapi-document.js';

const document = openApiDocument({ version: '1.2.3' });
type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
};
const operation = (path: string, method: string) =>
  (document.paths[path] as Record<string, Operation> | undefined)?.[method];

/** Every `$ref` in a value, with where it sits. */
function refsIn(value: unknown, at = '#'): { ref: string; at: string }[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => refsIn(item, `${at}/${index}`));
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' ? [{ ref: item, at }] : refsIn(item, `${at}/${key}`),
  );
}

function ajvFor() {
  // Every component under its document URI, so that `#/components/schemas/X` references resolve.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  // The wrapper's one keyword holds the schemas; strict mode still checks each of them.
  ajv.addKeyword('components');
  ajv.addSchema({ components: document.components }, 'openapi.json');
  return ajv;
}

describe('openApiDocument', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    // As a client receives it: parsed from its JSON text.
    const result = await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is valid JSON data and a new object at every call', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    const other = openApiDocument({ version: '1.2.3' });
    expect(other).toEqual(document);
    (other.components.schemas.AdminProvider as Record<string, unknown>).description = 'changed';
    expect(openApiDocument({ version: '1.2.3' }).components.schemas.AdminProvider?.description).not.toBe(
      'changed',
    );
  });

  it('names the version and, when given, the server', () => {
    expect(document.info.version).toBe('1.2.3');
    expect(document.servers).toBeUndefined();
    expect(openApiDocument({ version: '1', serverUrl: 'http://127.0.0.1:8080' }).servers).toEqual([
      { url: 'http://127.0.0.1:8080', description: 'This ccb.' },
    ]);
  });

  it('resolves every $ref to a schema of components/schemas', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(30);
    for (const { ref, at } of refs) {
      expect(ref, at).toMatch(/^#\/components\/schemas\//);
      expect(
        document.components.schemas[ref.slice('#/components/schemas/'.length)],
        `${ref} at ${at}`,
      ).toBeDefined();
    }
  });

  it('holds every schema of the contract, without a $schema or $id of its own', () => {
    expect(Object.keys(document.components.schemas).sort()).toEqual(Object.keys(adminApiSchemas).sort());
    for (const schema of Object.values(document.components.schemas)) {
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$id');
    }
  });

  it('describes every admin endpoint, guarded by the admin key as x-api-key or bearer', () => {
    for (const endpoint of adminEndpoints) {
      const described = operation(endpoint.path, endpoint.method.toLowerCase());
      expect(described?.operationId, `${endpoint.method} ${endpoint.path}`).toBe(endpoint.operationId);
      expect(described?.security).toEqual([{ adminApiKey: [] }, { adminBearer: [] }]);
      expect(Object.keys(described?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '405']));
      if (endpoint.path.includes('{name}')) {
        expect(
          described?.parameters?.some((parameter) => parameter.name === 'name' && parameter.in === 'path'),
        ).toBe(true);
      }
    }
    expect(document.components.securitySchemes.adminApiKey).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
    );
    expect(document.components.securitySchemes.adminBearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
  });

  it('lists the admin endpoints of the issue, and operation ids once each', () => {
    const described = adminEndpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`);
    expect(described).toEqual(
      expect.arrayContaining([
        'GET /admin/providers',
        'PATCH /admin/providers/{name}',
        'POST /admin/providers/{name}/disable',
        'POST /admin/providers/{name}/enable',
        'POST /admin/providers/{name}/drain',
        'POST /admin/providers/{name}/reset',
        'GET /admin/config',
        'POST /admin/reload',
        'GET /admin/usage',
        'GET /admin/budgets',
        'POST /admin/reset',
      ]),
    );
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item as Record<string, Operation>).map((entry) => entry.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers errors in the Anthropic shape', () => {
    const patch = operation('/admin/providers/{name}', 'patch');
    for (const status of ['400', '401', '404', '405', '409', '413', '415']) {
      expect(patch?.responses[status]?.content?.['application/json']?.schema, status).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
    expect(patch?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ProviderPatch',
    });
  });

  it('answers a rejected reload with 422 and the reload result', () => {
    const reload = operation('/admin/reload', 'post');
    expect(reload?.responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ReloadResult',
    });
    expect(reload?.responses['422']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/ReloadResult',
    });
  });

  it('describes every proxied Anthropic route with a client key and a link to Anthropic’s reference', () => {
    for (const route of anthropicApiRoutes) {
      const segments = route.segments.map((segment) => (segment === '*' ? '\\{[a-z_0-9]+\\}' : segment));
      const pattern = new RegExp(`^/${segments.join('/')}$`);
      const path = Object.keys(document.paths).find((candidate) => pattern.test(candidate));
      const described = path === undefined ? undefined : operation(path, route.method.toLowerCase());
      expect(described, `${route.method} ${route.path}`).toBeDefined();
      expect(described?.security).toEqual([{ clientApiKey: [] }, { clientBearer: [] }]);
      expect(described).toHaveProperty('externalDocs.url', 'https://docs.claude.com/en/api/overview');
      if (route.contentType !== undefined) {
        expect(Object.keys(described?.requestBody?.content ?? {})).toEqual([route.contentType]);
      }
    }
  });

  it('describes /healthz, /readyz, /metrics as text and the documentation paths', () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/redoc']) {
      expect(operation(path, 'get'), path).toBeDefined();
    }
    expect(Object.keys(operation('/metrics', 'get')?.responses['200']?.content ?? {})).toEqual([
      'text/plain',
    ]);
    expect(Object.keys(operation('/docs', 'get')?.responses['200']?.content ?? {})).toEqual(['text/html']);
  });
});

const examplesOf = (schema: z.ZodType) => (schema.meta()?.examples as unknown[] | undefined) ?? [];

describe('the schemas of the contract', () => {
  const ajv = ajvFor();
  const entries = Object.entries(adminApiSchemas) as [AdminApiSchemaName, z.ZodType][];

  it('each compile as draft 2020-12 JSON Schema in strict mode', () => {
    for (const [name] of entries) {
      expect(() => ajv.getSchema(`openapi.json#/components/schemas/${name}`), name).not.toThrow();
    }
  });

  it.each(entries.filter(([, schema]) => examplesOf(schema).length > 0))(
    '%s: its examples round-trip through zod and pass the document’s JSON Schema',
    (name, schema) => {
      const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
      for (const example of examplesOf(schema)) {
        const parsed = schema.parse(example);
        if (!requestSchemaNames.has(name)) expect(JSON.parse(JSON.stringify(parsed))).toEqual(example);
        expect(validate?.(example), JSON.stringify(validate?.errors)).toBe(true);
      }
    },
  );

  it('gives an example to every object schema a reader looks at', () => {
    const withoutExample = entries
      .filter(([, schema]) => examplesOf(schema).length === 0)
      .map(([name]) => name)
      .sort();
    expect(withoutExample).toEqual(['ProviderChange', 'ProviderList', 'ProviderState', 'UsageDimension']);
  });

  it('agree with the JSON Schema on what they refuse', () => {
    const provider = (examplesOf(adminApiSchemas.AdminProvider)[0] ?? {}) as Record<string, unknown>;
    const validate = ajv.getSchema('openapi.json#/components/schemas/AdminProvider');
    const wrong = [
      { ...provider, state: 'sleeping' },
      { ...provider, in_flight: -1 },
      { ...provider, spend_today_usd: '12' },
      { ...provider, health: { ...(provider.health as object), circuit: 'ajar' } },
      { ...provider, health: { ...(provider.health as object), last_success_at: 'yesterday' } },
      { ...provider, api_key: 'sk-ant-secret' },
      Object.fromEntries(Object.entries(provider).filter(([key]) => key !== 'rate_limit')),
    ];
    for (const value of wrong) {
      expect(adminApiSchemas.AdminProvider.safeParse(value).success).toBe(value.api_key !== undefined);
      expect(validate?.(value), JSON.stringify(value).slice(0, 80)).toBe(false);
    }
  });

  it('documents the patch body as its input: every field optional, unknown fields refused, at least one', () => {
    expect(document.components.schemas.ProviderPatch).toMatchObject({
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
    });
    expect(document.components.schemas.ProviderPatch).not.toHaveProperty('required');
  });
});
