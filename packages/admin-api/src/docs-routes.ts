import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicErrorBody } from '@ccb/protocol';
import {
  pageStylesheet,
  redocInitializer,
  redocPage,
  swaggerUiInitializer,
  swaggerUiPage,
} from './_docs-pages.js';
import { entityTag, memoryFile, packageFile, type Replacement, type StaticFile } from './_static-file.js';

/** A `node:http` request listener. */
export type DocsRequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Options of {@link createDocsRoutes}. */
export interface DocsRoutesOptions {
  /**
   * The document `/openapi.json` answers, asked for at each request (a reload may change it), e.g.
   * `() => openApiDocument({ version })`.
   */
  readonly document: () => object;
}

/**
 * The Content-Security-Policy of each page: nothing but its own origin, and only what each viewer was seen to need
 * in headless Chromium (see the browser test). Swagger UI: `data:` images (its icons are inlined in its CSS).
 * ReDoc: `'unsafe-inline'` styles (styled-components writes `<style>` elements at run time, without a nonce it
 * could take) and `blob:` workers (its search index runs in a worker made from a blob).
 */
const common = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
export const swaggerUiContentSecurityPolicy = `${common}; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'`;
export const redocContentSecurityPolicy = `${common}; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src blob:`;
const documentContentSecurityPolicy = `${common}; sandbox`;

/**
 * ReDoc 2 always shows its maker's logo from their CDN at the foot of the side menu. Pointed at `data:,` (an empty
 * resource, not an image) the image fails at once and ReDoc's own error handler removes it: the browser never asks
 * a third party, and the policy has nothing to refuse. Exported for the tests.
 */
export const redocLogoReplacement: Replacement = ['https://cdn.redoc.ly/redoc/logo-mini.svg', 'data:,'];

const html = 'text/html; charset=utf-8';
const javascript = 'text/javascript; charset=utf-8';
const css = 'text/css; charset=utf-8';

const allowedMethods = 'GET, HEAD';

function sendError(
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
  allow?: string,
): void {
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  const body = anthropicErrorBody(type, message);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(allow === undefined ? {} : { allow }),
  });
  response.end(body);
}

/** Whether one of the entity tags of `If-None-Match` (RFC 9110 §13.1.2, weak comparison) is `etag`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * Answers a GET or HEAD with `file`: its entity tag, a 304 when `If-None-Match` names it, `nosniff`, and `no-cache`
 * unless `headers` say otherwise (they are added last). For every page ccb serves itself: the docs and the dashboard.
 */
export function sendStaticFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: StaticFile,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.destroyed) return;
  // `no-cache`: the URLs carry no version, so a browser revalidates (a 304 when nothing changed) and never runs an
  // old bundle after an upgrade.
  const common = {
    etag: file.etag,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...headers,
  };
  if (matches(request.headers['if-none-match'], file.etag)) {
    response.writeHead(304, common);
    response.end();
    return;
  }
  response.writeHead(200, {
    ...common,
    'content-type': file.contentType,
    'content-length': file.body.length,
  });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

function answersMethod(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  sendError(
    response,
    405,
    'invalid_request_error',
    `${request.url ?? ''} answers ${allowedMethods}, not ${request.method ?? ''}`,
    allowedMethods,
  );
  return false;
}

function serve(
  load: () => Promise<StaticFile>,
  headers: Readonly<Record<string, string>> = {},
): DocsRequestListener {
  return (request, response) => {
    if (!answersMethod(request, response)) return;
    load().then(
      (file) => sendStaticFile(request, response, file, headers),
      (error: unknown) =>
        sendError(
          response,
          500,
          'api_error',
          `a documentation file could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); reinstall ccb`,
        ),
    );
  };
}

function serveDocument(document: () => object): DocsRequestListener {
  return (request, response) => {
    if (!answersMethod(request, response)) return;
    let body: Buffer;
    try {
      body = Buffer.from(JSON.stringify(document()));
    } catch {
      sendError(response, 500, 'api_error', 'the OpenAPI document could not be made');
      return;
    }
    sendStaticFile(
      request,
      response,
      { body, contentType: 'application/json', etag: entityTag(body) },
      { 'content-security-policy': documentContentSecurityPolicy },
    );
  };
}

/**
 * The OpenAPI document and its two viewers, as listeners by exact path (the query is ignored): `/openapi.json`,
 * `/docs` (Swagger UI, from `swagger-ui-dist`), `/redoc` (ReDoc, from `redoc`'s standalone bundle), and the
 * files those pages load under `/docs/…` and `/redoc/…`. Every file comes from this package's dependencies, read at
 * its first request: no CDN, nothing leaves the machine. GET and HEAD only (others: 405 in Anthropic's error
 * shape); entity tags and `If-None-Match`; a strict Content-Security-Policy on each page.
 */
export function createDocsRoutes(options: DocsRoutesOptions): Readonly<Record<string, DocsRequestListener>> {
  const page = { 'referrer-policy': 'no-referrer' };
  return {
    '/openapi.json': serveDocument(options.document),
    '/docs': serve(memoryFile(swaggerUiPage, html), {
      ...page,
      'content-security-policy': swaggerUiContentSecurityPolicy,
    }),
    '/docs/swagger-ui.css': serve(packageFile('swagger-ui-dist/swagger-ui.css', css)),
    '/docs/swagger-ui-bundle.js': serve(packageFile('swagger-ui-dist/swagger-ui-bundle.js', javascript)),
    '/docs/swagger-initializer.js': serve(memoryFile(swaggerUiInitializer, javascript)),
    '/docs/page.css': serve(memoryFile(pageStylesheet, css)),
    '/redoc': serve(memoryFile(redocPage, html), {
      ...page,
      'content-security-policy': redocContentSecurityPolicy,
    }),
    '/redoc/redoc.standalone.js': serve(
      packageFile('redoc/bundles/redoc.standalone.js', javascript, [redocLogoReplacement]),
    ),
    '/redoc/redoc-initializer.js': serve(memoryFile(redocInitializer, javascript)),
    '/redoc/page.css': serve(memoryFile(pageStylesheet, css)),
  };
}
