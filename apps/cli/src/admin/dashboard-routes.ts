import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entityTag, type StaticFile, sendStaticFile } from '@ccb/admin-api';
import { refuseRequest } from '@ccb/proxy';
import type { Route, RouteListener } from '../route-table.js';

/**
 * The dashboard page's policy: its own origin only, no inline script or style element, no frame, no form post.
 * uPlot sizes its canvas through the CSSOM, which `style-src` does not govern.
 */
export const dashboardContentSecurityPolicy =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'";

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** A relative file name the dashboard may hold: plain segments, nothing that climbs out. */
const safeName = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Where the built dashboard is: `dist/ui` beside the bundled CLI (the build copies it there, so the published
 * package carries it), else the workspace's `@ccb/dashboard` build (tests running on the sources).
 */
async function locateDashboard(): Promise<string> {
  const bundled = fileURLToPath(new URL('./ui/', import.meta.url));
  try {
    await access(join(bundled, 'index.html'));
    return bundled;
  } catch {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@ccb/dashboard/package.json')), 'dist');
  }
}

/**
 * `/ui` (the page) and `/ui/*` (its files): the dashboard, open like `/docs` (it holds nothing of a user's: the page
 * asks for the admin key and sends it with each `/admin` request). Files are read once, at their first request. The
 * page names its files `ui/assets/…`, relative, so it works behind a reverse proxy's path prefix too.
 */
export function dashboardRoutes(methods: readonly string[]): Record<string, Route> {
  let folder: Promise<string> | undefined;
  const files = new Map<string, Promise<StaticFile>>();
  const load = (name: string, contentType: string): Promise<StaticFile> => {
    let file = files.get(name);
    if (file === undefined) {
      folder ??= locateDashboard();
      const reading = folder.then(async (root) => {
        const body = await readFile(join(root, name));
        return { body, contentType, etag: entityTag(body) };
      });
      reading.catch(() => files.delete(name));
      files.set(name, reading);
      file = reading;
    }
    return file;
  };

  const serve =
    (nameOf: (params: Readonly<Record<string, string>>) => string): RouteListener =>
    (request, response, params) => {
      const name = nameOf(params);
      const contentType = contentTypes[extname(name)];
      if (!safeName.test(name) || contentType === undefined) {
        refuseRequest(request, response, 404, 'not_found_error', `no dashboard file ${name}`);
        return;
      }
      load(name, contentType).then(
        (file) =>
          sendStaticFile(request, response, file, {
            // Hashed asset names never change content; the page itself is revalidated so an upgrade shows at once.
            'cache-control': name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
            'referrer-policy': 'no-referrer',
            'content-security-policy': dashboardContentSecurityPolicy,
          }),
        (error: unknown) => {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
          refuseRequest(
            request,
            response,
            404,
            'not_found_error',
            missing && name === 'index.html'
              ? 'the dashboard is not in this build of ccb'
              : `no dashboard file ${name}`,
          );
        },
      );
    };

  return {
    '/ui': { methods, listener: serve(() => 'index.html') },
    '/ui/*': { methods, listener: serve((params) => params['*'] ?? '') },
  };
}
