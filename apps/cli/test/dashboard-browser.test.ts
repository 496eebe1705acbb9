import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMockUpstream, type MockUpstream } from '@ccb/mock-upstream';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCcb, startCcb, tempDir } from './run-cli.js';

/** Debian's Chromium; `.ci/run` installs it. Without it, only a machine outside CI skips these tests. */
const chromiumPath = '/usr/bin/chromium';
/** A folder to save screenshots of the main views in (`CCB_DASHBOARD_SCREENSHOTS=../../docs/images`); unset: none. */
const screenshotDir = process.env.CCB_DASHBOARD_SCREENSHOTS;
const waitInMs = 20_000;
const adminKey = 'ccb-admin-key-dashboard-0123456789';
const alphaKey = 'sk-provider-alpha-0123456789abcdef';
const betaKey = 'sk-provider-beta-0123456789abcdef';

/** alpha is tried first; beta takes over when alpha fails or is disabled. Two failures open a circuit for 2 s. */
const configText = (alpha: string, beta: string) => `auth:
  admin_key: ${adminKey}
health:
  failure_threshold: 2
  cooldown: 2s
budgets:
  - { provider: beta, daily_usd: 5 }
providers:
  - name: alpha
    base_url: ${alpha}
    api_key: ${alphaKey}
    priority: 1
  - name: beta
    base_url: ${beta}
    api_key: ${betaKey}
    priority: 2
`;

let alpha: MockUpstream;
let beta: MockUpstream;
let ccb: RunningCcb;
let dir: Awaited<ReturnType<typeof tempDir>>;
let context: BrowserContext;
let userDataDir: string;
let page: Page;
const problems: string[] = [];
const requested: string[] = [];
const blocked: string[] = [];

/** One Messages API request through ccb; resolves with its status. */
async function ask(): Promise<number> {
  const response = await request(`${ccb.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hello' }],
    }),
  });
  await response.body.text();
  return response.statusCode;
}

const card = (name: string) => page.locator(`article[data-provider="${name}"]`);

/** Saves a screenshot of `selector` (or of the window without one) when asked to. */
async function screenshot(name: string, selector?: string): Promise<void> {
  if (screenshotDir === undefined) return;
  const folder = resolve(screenshotDir);
  mkdirSync(folder, { recursive: true });
  if (selector === undefined) await page.screenshot({ path: join(folder, name) });
  else await page.locator(selector).screenshot({ path: join(folder, name) });
}

describe.skipIf(!existsSync(chromiumPath) && process.env.CI === undefined)(
  'the dashboard in Chromium',
  () => {
    beforeAll(async () => {
      alpha = await createMockUpstream({ name: 'alpha', apiKey: alphaKey });
      beta = await createMockUpstream({ name: 'beta', apiKey: betaKey });
      dir = await tempDir();
      const file = await dir.write('ccb.yaml', configText(alpha.url, beta.url));
      ccb = await startCcb(['serve', '--config', file, '--port', '0']);
      const origin = new URL(ccb.url).origin;
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
      // And the browser refuses, and records, any request not for ccb.
      await context.route(
        (url) => url.origin !== origin,
        (route) => {
          blocked.push(route.request().url());
          return route.abort('blockedbyclient');
        },
      );
      page = await context.newPage();
      page.on('request', (sent) => requested.push(sent.url()));
      page.on('console', (message) => {
        if (message.type() === 'error' || /Content.Security.Policy|Refused to/i.test(message.text())) {
          problems.push(`console: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await page.addInitScript({
        content: `document.addEventListener('securitypolicyviolation', (event) => {
        console.error('Content-Security-Policy refused ' + event.violatedDirective + ': ' + event.blockedURI);
      });`,
      });
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await ccb?.stop();
      await Promise.all([alpha?.close(), beta?.close(), dir?.dispose()]);
      if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
    });

    it('refuses a wrong key and signs in with the admin key, listing the configured providers', async () => {
      await page.goto(`${ccb.url}/ui`, { waitUntil: 'load', timeout: waitInMs });
      await page.getByLabel('Admin key').fill('not-the-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(
        page.locator('#sign-in-error').filter({ hasText: 'refused' }).waitFor({ timeout: waitInMs }),
      ).resolves.toBeUndefined();
      // The refused request is the one error Chromium reports on its own; anything else fails the last test.
      expect(problems.every((problem) => /status of 401/.test(problem))).toBe(true);
      problems.length = 0;
      await page.getByLabel('Admin key').fill(adminKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('article[data-provider]').first().waitFor({ timeout: waitInMs });
      const names = await page
        .locator('article[data-provider]')
        .evaluateAll((cards) => cards.map((element) => element.getAttribute('data-provider')));
      expect(names).toEqual(['alpha', 'beta']);
      await expect(card('alpha').getAttribute('data-circuit')).resolves.toBe('closed');
      await page.locator('#connection', { hasText: 'live' }).waitFor({ timeout: waitInMs });
      // The cost view shows the budget as a bar of what is left.
      const budget = page.locator('#cost .budgets .bar', { hasText: 'provider beta, daily:' });
      await budget.waitFor({ timeout: waitInMs });
      await expect(budget.textContent()).resolves.toMatch(/of \$5\.00 left/);
      await expect(budget.locator('meter').getAttribute('max')).resolves.toBe('5');
      // The key is kept for the tab's session only: not in the URL, not in a cookie.
      expect(page.url()).not.toContain(adminKey);
      expect(await context.cookies()).toEqual([]);
      await expect(page.evaluate("sessionStorage.getItem('ccb.adminKey')")).resolves.toBe(adminKey);
    }, 60_000);

    it('shows a circuit opened by a fault within two seconds, with its reason, and its recovery', async () => {
      alpha.inject({ kind: 'status', status: 500, errorType: 'api_error' }, 2);
      expect(await ask()).toBe(200);
      expect(await ask()).toBe(200);
      const opened = Date.now();
      await card('alpha').and(page.locator('[data-circuit="open"]')).waitFor({ timeout: 2000 });
      expect(Date.now() - opened).toBeLessThan(2000);
      await expect(card('alpha').locator('[data-role="reason"]').textContent()).resolves.toMatch(
        /failed several times in a row \(last answer 500\), retry-after \d s/,
      );
      await expect(card('alpha').locator('[data-role="status"]').textContent()).resolves.toBe('circuit open');
      // The failovers are listed with their request ids, newest first.
      await page.locator('#events li[data-kind="failover"] .request-id').first().waitFor({ timeout: 2000 });
      await page.locator('#events li[data-kind="circuit"]').first().waitFor({ timeout: 2000 });
      await page
        .locator('#traffic [data-role="failovers"]', { hasText: /^[1-9]/ })
        .waitFor({ timeout: 3000 });
      await screenshot('dashboard.png');
      await screenshot('dashboard-providers.png', '#providers-section');
      await screenshot('dashboard-events.png', '#events-section');
      // Once the cool-down is over, the next request is alpha's trial: it succeeds and closes the circuit.
      const deadline = Date.now() + 10_000;
      while ((await card('alpha').getAttribute('data-circuit')) !== 'closed') {
        expect(Date.now()).toBeLessThan(deadline);
        expect(await ask()).toBe(200);
        await page.waitForTimeout(200);
      }
      await expect(card('alpha').locator('[data-role="status"]').textContent()).resolves.toBe('serving');
      await screenshot('dashboard-traffic.png', '#traffic-section');
    }, 60_000);

    it('disables a provider after confirmation, and traffic moves to the other', async () => {
      await card('alpha').getByRole('button', { name: 'Disable alpha' }).click();
      const dialog = page.locator('dialog#confirm');
      await expect(dialog.textContent()).resolves.toContain('1 other provider would be left serving');
      await dialog.getByRole('button', { name: 'Disable' }).click();
      await card('alpha').and(page.locator('[data-state="disabled"]')).waitFor({ timeout: 2000 });
      alpha.reset();
      beta.reset();
      for (let index = 0; index < 3; index += 1) expect(await ask()).toBe(200);
      expect(alpha.requestCount).toBe(0);
      expect(beta.requestCount).toBe(3);
      await card('alpha').getByRole('button', { name: 'Enable alpha' }).click();
      await card('alpha').and(page.locator('[data-state="serving"]')).waitFor({ timeout: 2000 });
    }, 60_000);

    it('asked nothing of any origin but ccb, and logged no error', () => {
      const origin = new URL(ccb.url).origin;
      expect(requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))).toEqual(
        [],
      );
      expect(blocked).toEqual([]);
      expect(problems).toEqual([]);
    });
  },
);
