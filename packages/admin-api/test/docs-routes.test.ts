import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDocsRoutes,
  redocContentSecurityPolicy,
  redocLogoReplacement,
  swaggerUiContentSecurityPolicy,
} from '../src/docs-routes.js';
import { openApiDocument } from '../src/openapi-document.js';
import { type DocsServer, startDocsServer } from './_docs-server.js';

const require = createRequire(import.meta.url);
let version = '1.0.0';
let failing = false;
let server: DocsServer;

beforeAll(async () => {
  server = await startDocsServer({
    document: () => {
      if (failing) throw new Error('no document');
      return openApiDocument({ version });
    },
  });
});
afterAll(() => server.close());

const get = (path: string, init?: RequestInit) => fetch(`${server.origin}${path}`, init);

/** The URLs a page loads (scripts, stylesheets), resolved against the page. */
function assetsOf(html: string, page: string): string[] {
  const urls = [...html.matchAll(/<(?:script src|link rel="stylesheet" href)="([^"]+)"/g)].map(
    (match) => match[1],
  );
  return urls.map((url) => new URL(url ?? '', `${server.origin}${page}`).pathname);
}

describe('createDocsRoutes', () => {
  it('answers the document, its two pages and the files they load, by exact path', () => {
    expect(Object.keys(createDocsRoutes({ document: () => ({}) })).sort()).toEqual([
      '/docs',
      '/docs/page.css',
      '/docs/swagger-initializer.js',
      '/docs/swagger-ui-bundle.js',
      '/docs/swagger-ui.css',
      '/openapi.json',
      '/redoc',
      '/redoc/page.css',
      '/redoc/redoc-initializer.js',
      '/redoc/redoc.standalone.js',
    ]);
  });

  it('serves the OpenAPI document as JSON, made at each request', async () => {
    version = '1.0.0';
    const first = await get('/openapi.json');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await first.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument({ version: '1.0.0' }))));

    version = '1.0.1';
    const second = await get('/openapi.json');
    expect(((await second.json()) as { info: { version: string } }).info.version).toBe('1.0.1');
    expect(second.headers.get('etag')).not.toBe(first.headers.get('etag'));
  });

  it('answers 500 in the Anthropic shape when the document cannot be made', async () => {
    failing = true;
    try {
      const response = await get('/openapi.json');
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        type: 'error',
        error: { type: 'api_error', message: 'the OpenAPI document could not be made' },
      });
    } finally {
      failing = false;
    }
  });

  it.each([
    ['/docs', swaggerUiContentSecurityPolicy, 4],
    ['/redoc', redocContentSecurityPolicy, 3],
  ])(
    'serves %s as HTML with its strict policy, no inline script and only files it serves',
    async (page, policy, files) => {
      const response = await get(page);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(policy);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await response.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
      expect(html).not.toMatch(/<style|\sstyle=/);
      expect(html).not.toMatch(/https?:\/\//);
      const assets = assetsOf(html, page);
      expect(assets.length).toBe(files);
      for (const asset of assets) expect((await get(asset)).status, asset).toBe(200);
    },
  );

  it('allows only the page’s own origin in each policy', () => {
    for (const policy of [swaggerUiContentSecurityPolicy, redocContentSecurityPolicy]) {
      const sources = policy.split(';').flatMap((directive) => directive.trim().split(/\s+/).slice(1));
      expect(new Set(sources)).toEqual(
        new Set([
          "'none'",
          "'self'",
          'data:',
          ...(policy.includes('blob:') ? ['blob:', "'unsafe-inline'"] : []),
        ]),
      );
      expect(policy).toContain("script-src 'self';");
      expect(policy).toContain("frame-ancestors 'none'");
    }
    expect(swaggerUiContentSecurityPolicy).not.toContain('unsafe');
  });

  it.each([
    ['/docs/swagger-ui-bundle.js', 'swagger-ui-dist/swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['/docs/swagger-ui.css', 'swagger-ui-dist/swagger-ui.css', 'text/css; charset=utf-8'],
  ])('serves %s from the installed package as it is', async (path, specifier, contentType) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(readFileSync(require.resolve(specifier)))).toBe(true);
    expect(Number(response.headers.get('content-length'))).toBe(body.length);
  });

  it('serves ReDoc from the installed package, its logo from the CDN replaced by nothing', async () => {
    const response = await get('/redoc/redoc.standalone.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const installed = readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8');
    const [cdn, replacement] = redocLogoReplacement;
    expect(installed).toContain(cdn);
    const served = await response.text();
    expect(served).not.toContain(cdn);
    expect(served).not.toMatch(/src:"https?:/);
    expect(served).toBe(installed.replaceAll(cdn, replacement));
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const full = await get('/docs/swagger-ui.css');
    const head = await get('/docs/swagger-ui.css', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(full.headers.get('content-length'));
    expect(head.headers.get('etag')).toBe(full.headers.get('etag'));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers 304 without a body when the browser holds the same file', async () => {
    const etag = (await get('/redoc/redoc.standalone.js')).headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await get('/redoc/redoc.standalone.js', { headers: { 'if-none-match': ifNoneMatch } });
      expect(response.status, ifNoneMatch).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
      expect((await response.arrayBuffer()).byteLength).toBe(0);
    }
    const stale = await get('/redoc/redoc.standalone.js', { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])(
    'refuses %s with 405, allow and an Anthropic error',
    async (method) => {
      const response = await get('/docs', { method });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(await response.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: `/docs answers GET, HEAD, not ${method}` },
      });
    },
  );
});
