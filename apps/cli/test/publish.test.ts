import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

/** Every publishable workspace package (private ones, like the benchmark, are never packed). */
async function publishableWorkspaces(): Promise<string[]> {
  const found: string[] = [];
  for (const group of ['packages', 'tools', 'apps']) {
    for (const name of await readdir(join(root, group))) {
      const manifest = JSON.parse(await readFile(join(root, group, name, 'package.json'), 'utf8')) as {
        private?: boolean;
      };
      if (manifest.private !== true) found.push(join(group, name));
    }
  }
  return found;
}

// The publish path: each package packed as pnpm would publish it, installed with plain npm into an empty folder
// outside the repo, and the `ccb` binary run from there.
describe('packed tarballs', () => {
  const cleanup: string[] = [];
  afterAll(async () => {
    await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('install with npm into an empty folder and run `npx ccb --help`', { timeout: 240_000 }, async () => {
    const packed = await mkdtemp(join(tmpdir(), 'ccb-pack-'));
    const project = await mkdtemp(join(tmpdir(), 'ccb-install-'));
    cleanup.push(packed, project);
    const workspaces = await publishableWorkspaces();
    expect(workspaces).toContain(join('apps', 'cli'));
    for (const workspace of workspaces) {
      await run('pnpm', ['pack', '--pack-destination', packed], { cwd: join(root, workspace) });
    }
    const tarballs = (await readdir(packed))
      .filter((name) => name.endsWith('.tgz'))
      .map((name) => join(packed, name));
    expect(tarballs).toHaveLength(workspaces.length);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'ccb-install-check', private: true }),
    );
    // With install scripts, as users run it: nothing compiles (libsql's binary is a per-platform package from the
    // registry), so this works on a machine that can download nothing but npm packages.
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
      cwd: project,
      timeout: 200_000,
    });
    const help = await run('npx', ['--no-install', 'ccb', '--help'], { cwd: project });
    expect(help.stdout).toContain('serve');
    expect(help.stdout).toContain('demo');
    const version = await run('npx', ['--no-install', 'cc-balancer', '--version'], { cwd: project });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // The installed ledger opens a real file: the install brought a SQLite that loads.
    const ledger = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { createLedger } = await import('@ccb/ledger'); createLedger({ path: 'usage.sqlite' }).close();",
      ],
      { cwd: project },
    );
    expect(ledger.stderr).toBe('');
    expect(existsSync(join(project, 'usage.sqlite'))).toBe(true);
    // The API viewers ship as the build's copies: their packages (redoc brings React) are not installed.
    expect(existsSync(join(project, 'node_modules', 'redoc'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'swagger-ui-dist'))).toBe(false);
    const viewers = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createServer } from 'node:http';
         const { createDocsRoutes } = await import('@ccb/admin-api');
         const routes = createDocsRoutes({ document: () => ({}) });
         const server = createServer((request, response) => routes[request.url](request, response));
         await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
         for (const path of ['/docs/swagger-ui-bundle.js', '/redoc/redoc.standalone.js']) {
           const answer = await fetch('http://127.0.0.1:' + server.address().port + path);
           console.log(answer.status, (await answer.arrayBuffer()).byteLength);
         }
         server.close();`,
      ],
      { cwd: project },
    );
    const answers = viewers.stdout.trim().split('\n');
    expect(answers).toHaveLength(2);
    for (const line of answers) {
      const [status, bytes] = line.split(' ').map(Number);
      expect(status).toBe(200);
      expect(bytes).toBeGreaterThan(100_000);
    }
  });
});
