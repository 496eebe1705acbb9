import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/openapi-document.js';
import { type DocsServer, startDocsServer } from './_docs-server.js';

/** Debian's Chromium; `.ci/run` installs it. Without it, only a machine outside CI skips these tests. */
const chromiumPath = '/usr/bin/chromium';
/** Where to save a screenshot of /docs (`pnpm --filter @ccb/admin-api screenshot`); unset: none. */
const screenshotPath = process.env.CCB_DOCS_SCREENSHOT;
const waitInMs = 20_000;
/** This package's version, for the pages (and the screenshot) to show one. */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

let server: DocsServer;
let context: BrowserContext;
let userDataDir: string;

/** What a page did: every URL it asked for, what the policy refused, what broke. */
interface PageLog {
  readonly requests: string[];
  readonly problems: string[];
}

async function open(path: string): Promise<{ page: Page; log: PageLog }> {
  const page = await context.newPage();
  const log: PageLog = { requests: [], problems: [] };
  page.on('request', (request) => log.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content.Security.Policy|Refused to/i.test(message.text())) {
      log.problems.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => log.problems.push(`page error: ${error.message}`));
  // Runs in the page (as text: this file is compiled without the DOM's types).
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      console.error('Content-Security-Policy refused ' + event.violatedDirective + ': ' + event.blockedURI);
    });`,
  });
  await page.goto(`${server.origin}${path}`, { waitUntil: 'load', timeout: waitInMs });
  return { page, log };
}

/** Every request stayed on the server (loopback), or was data the page held itself. */
function expectLoopbackOnly(log: PageLog, blocked: string[]): void {
  const elsewhere = log.requests.filter(
    (url) => !url.startsWith(`${server.origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'),
  );
  expect(elsewhere).toEqual([]);
  expect(blocked).toEqual([]);
}

const blocked: string[] = [];

describe.skipIf(!existsSync(chromiumPath) && process.env.CI === undefined)(
  'the documentation in Chromium',
  () => {
    beforeAll(async () => {
      server = await startDocsServer({ document: () => openApiDocument({ version }) });
      userDataDir = mkdtempSync(join(tmpdir(), 'ccb-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: chromiumPath,
        headless: true,
        timeout: waitInMs,
        viewport: { width: 1280, height: 900 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          // Nothing but loopback resolves, and no proxy is asked: a request that tried to leave fails here.
          '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
          '--no-proxy-server',
        ],
      });
      // And the browser refuses, and records, any request not for the server.
      await context.route(
        (url) => url.origin !== server.origin,
        (route) => {
          blocked.push(route.request().url());
          return route.abort('blockedbyclient');
        },
      );
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await server?.close();
      if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
    });

    it('renders Swagger UI at /docs, listing the admin endpoints, offline and within its policy', async () => {
      const { page, log } = await open('/docs');
      const path = page.locator('.opblock-summary-path', { hasText: /^\/admin\/providers$/ }).first();
      await path.waitFor({ state: 'visible', timeout: waitInMs });
      for (const text of [
        '/admin/providers/{name}',
        '/admin/reload',
        '/admin/config',
        '/v1/messages',
        '/healthz',
      ]) {
        await expect(
          page.locator('.opblock-summary-path', { hasText: text }).first().isVisible(),
        ).resolves.toBe(true);
      }
      await expect(page.locator('.info .title').first().textContent()).resolves.toContain(
        'CC-Balancer (ccb)',
      );
      expect(server.received).toContain('GET /openapi.json');
      if (screenshotPath !== undefined) {
        const file = resolve(screenshotPath);
        mkdirSync(dirname(file), { recursive: true });
        await page.screenshot({ path: file });
      }
      expectLoopbackOnly(log, blocked);
      expect(log.problems).toEqual([]);
      await page.close();
    }, 60_000);

    it('renders ReDoc at /redoc, listing the admin endpoints, offline and within its policy', async () => {
      const { page, log } = await open('/redoc');
      // The side menu holds each summary too, hidden until its tag opens: look at what is shown.
      const shown = (text: string) => page.getByText(text, { exact: true }).filter({ visible: true }).first();
      await shown('/admin/providers').waitFor({ state: 'visible', timeout: waitInMs });
      for (const text of [
        'List providers',
        'Change weight, priority or enabled',
        'Reload the configuration file',
        '/admin/reload',
      ]) {
        await shown(text).waitFor({ state: 'visible', timeout: waitInMs });
      }
      expectLoopbackOnly(log, blocked);
      expect(log.problems).toEqual([]);
      await page.close();
    }, 60_000);
  },
);
