import { adminApiSchemas, adminEndpoints } from '@ccb/admin-api';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveProviders } from './run-cli.js';

describe('the API description a running ccb serves', () => {
  let alpha: MockUpstream;
  let balancer: Awaited<ReturnType<typeof serveProviders>>;

  beforeAll(async () => {
    alpha = await createMockUpstream({ name: 'alpha', apiKey: 'key-alpha' });
    balancer = await serveProviders([{ name: 'alpha', url: alpha.url, key: 'key-alpha' }]);
  });
  afterAll(async () => {
    await balancer.dispose();
    await alpha.close();
  });

  it('serves /openapi.json, /docs and /redoc without a key', async () => {
    const document = await request(`${balancer.ccb.url}/openapi.json`);
    expect(document.statusCode).toBe(200);
    const body = (await document.body.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toContain('/admin/providers/{name}');
    for (const page of ['/docs', '/redoc']) {
      const answer = await request(`${balancer.ccb.url}${page}`);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      await answer.body.dump();
    }
    // The viewers' bundles come from the build's own copies (the published package installs no viewer package).
    for (const [asset, type] of [
      ['/docs/swagger-ui-bundle.js', /javascript/],
      ['/docs/swagger-ui.css', /css/],
      ['/redoc/redoc.standalone.js', /javascript/],
    ] as const) {
      const answer = await request(`${balancer.ccb.url}${asset}`);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['content-type']).toMatch(type);
      expect((await answer.body.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    }
  });

  it('answers every endpoint the document describes, in the shape its schema says', async () => {
    const url = balancer.ccb.url;
    for (const endpoint of adminEndpoints) {
      // Required query parameters name a provider (`/admin/reset?provider=`).
      const query = endpoint.query.filter((parameter) => parameter.required === true);
      const path = `${endpoint.path.replace('{name}', 'alpha')}${query.length > 0 ? '?' : ''}${query
        .map((parameter) => `${parameter.name}=alpha`)
        .join('&')}`;
      const answer = await request(`${url}${path}`, {
        method: endpoint.method,
        ...(endpoint.requestBody !== undefined
          ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ weight: 1 }) }
          : {}),
      });
      const text =
        endpoint.answers[0]?.mediaType === 'text/event-stream'
          ? await firstEventData(answer.body)
          : await answer.body.text();
      // The ledger of a test config is on: every documented endpoint answers here (loopback, no admin key).
      expect({ path, method: endpoint.method, status: answer.statusCode }).toEqual({
        path,
        method: endpoint.method,
        status: endpoint.answers[0]?.status ?? 200,
      });
      const schema = endpoint.answers[0]?.schema;
      if (schema !== undefined) {
        const parsed = adminApiSchemas[schema].safeParse(JSON.parse(text));
        expect(parsed.error, `${endpoint.method} ${path}: ${text}`).toBeUndefined();
      }
    }
  });

  it('answers the documented errors with the documented statuses, in Anthropic’s shape', async () => {
    const url = balancer.ccb.url;
    const cases: { endpoint: string; path: string; method: string; status: number }[] = [];
    for (const endpoint of adminEndpoints) {
      if (endpoint.path.includes('{name}') && endpoint.errors[404] !== undefined) {
        cases.push({
          endpoint: endpoint.operationId,
          path: endpoint.path.replace('{name}', 'nobody'),
          method: endpoint.method,
          status: 404,
        });
      }
      if (endpoint.query.some((parameter) => parameter.name === 'persist')) {
        expect(endpoint.errors[400], endpoint.operationId).toBeDefined();
        cases.push({
          endpoint: endpoint.operationId,
          path: `${endpoint.path.replace('{name}', 'alpha')}?persist=maybe`,
          method: endpoint.method,
          status: 400,
        });
      }
    }
    expect(cases.length).toBeGreaterThan(5);
    for (const { endpoint, path, method, status } of cases) {
      const answer = await request(`${url}${path}`, {
        method: method as 'GET',
        ...(method === 'PATCH'
          ? { headers: { 'content-type': 'application/json' }, body: '{"weight":2}' }
          : {}),
      });
      const body = (await answer.body.json()) as { type: string; error: { type: string } };
      expect({ endpoint, status: answer.statusCode }).toEqual({ endpoint, status });
      expect(body.type).toBe('error');
    }
    // A patch the schema refuses: the documented 400, not a 422.
    const refused = await request(`${url}/admin/providers/alpha`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"weight":0}',
    });
    await refused.body.dump();
    expect(refused.statusCode).toBe(400);
    expect(adminEndpoints.find((endpoint) => endpoint.method === 'PATCH')?.errors[400]).toMatch(
      /out of range/,
    );
  });
});

/** The data of a stream's first server-sent event; the stream is closed after it. */
async function firstEventData(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  let text = '';
  for await (const chunk of body) {
    text += chunk.toString('utf8');
    if (text.includes('\n\n')) break;
  }
  body.destroy();
  return /^data: (.*)$/m.exec(text)?.[1] ?? '';
}
