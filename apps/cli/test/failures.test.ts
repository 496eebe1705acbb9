import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, runCli, tempDir } from './run-cli.js';

let dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
let servers: (Server | HttpServer)[] = [];
async function dir() {
  const created = await tempDir();
  dirs.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(dirs.map((created) => created.dispose()));
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  dirs = [];
  servers = [];
});

/** A port something already listens on: the OS picks it, so parallel test files never collide. */
async function busyPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

/** Runs `ccb <args>` as another user, for what root is never refused. */
function runCliAs(user: string, args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(
      '/usr/sbin/runuser',
      ['-u', user, '--', process.execPath, cliPath, ...args],
      { env: cleanEnv() },
      (error, _stdout, stderr) => done({ code: error === null ? 0 : Number(error.code ?? 1), stderr }),
    );
  });
}

const fixture = (name: string) => resolve(import.meta.dirname, 'fixtures', name);
const stackFrame = /^\s+at /m;

/** The promise of this issue: one `ccb: …` line on stderr, no stack frame, and the expected exit code. */
function expectOneLine(result: { code: number; stderr: string }, exitCode: 1 | 2): string {
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(stackFrame);
  expect(lines[0]).toMatch(/^ccb: /);
  expect(result.code).toBe(exitCode);
  return lines[0] as string;
}

const providerYaml = 'providers:\n  - name: p\n    base_url: http://127.0.0.1:1\n    api_key: k\n';

describe('a failing command prints one line and exits 1', () => {
  it('ccb init --dir with a missing folder says so and how to create it', async () => {
    const folder = await dir();
    const missing = join(folder.path, 'not-there');
    const line = expectOneLine(await runCli(['init', '--dir', missing]), 1);
    expect(line).toBe(
      `ccb: --dir ${missing} does not exist; create it first (mkdir -p ${missing}) or choose another folder`,
    );
  });

  it('ccb init refuses to overwrite without --force, and --no-force is the same', async () => {
    const folder = await dir();
    expect((await runCli(['init', `--dir=${folder.path}`])).code).toBe(0);
    const line = expectOneLine(await runCli(['init', '--dir', folder.path, '--no-force']), 1);
    expect(line).toContain('pass --force to overwrite');
  });

  it('ccb serve on a port in use names the port and how to pick another', async () => {
    const port = await busyPort();
    const folder = await dir();
    const result = await runCli(['serve', '--port', String(port)], {
      cwd: folder.path,
      env: { ANTHROPIC_API_KEY: 'sk-test-key' },
    });
    const line = expectOneLine(result, 1);
    expect(line).toContain(`cannot listen on 127.0.0.1:${port}`);
    expect(line).toContain('EADDRINUSE');
    expect(line).toContain('choose another port with --port or server.port');
  });

  it('ccb demo on a port in use says the same', async () => {
    const port = await busyPort();
    const line = expectOneLine(await runCli(['demo', '-p', String(port)]), 1);
    expect(line).toContain('EADDRINUSE');
  });

  it('a folder given as the config file is unreadable, and the message says what to name instead', async () => {
    const folder = await dir();
    const line = expectOneLine(await runCli(['config', 'check', '--config', folder.path]), 1);
    expect(line).toBe(
      `ccb: ${folder.path}: is a folder, not a config file; name the YAML file itself (e.g. <folder>/ccb.yaml)`,
    );
  });

  it('an unreadable .env beside the config (a folder, which even root cannot read) is one line', async () => {
    const folder = await dir();
    const config = await folder.write('ccb.yaml', providerYaml);
    await mkdir(join(folder.path, '.env'));
    const line = expectOneLine(await runCli(['serve', '-c', config, '--port', '0']), 1);
    expect(line).toContain(`${join(folder.path, '.env')}: cannot be read: EISDIR`);
    expect(line).toContain('name a file');
  });

  it('a config path in a symbolic link loop is unreadable for root too', async () => {
    const folder = await dir();
    const loop = join(folder.path, 'loop.yaml');
    await symlink(loop, loop);
    const line = expectOneLine(await runCli(['config', 'check', '--config', loop]), 1);
    expect(line).toContain('ELOOP');
    expect(line).toContain('check the symbolic links on the path');
  });

  // Root reads a mode-000 file regardless, so as root the CLI runs as `nobody` (util-linux runuser) to see it refused.
  const asRoot = process.getuid?.() === 0;
  it.skipIf(asRoot && !existsSync('/usr/sbin/runuser'))(
    'a config file without read permission is one line',
    async (context) => {
      if (asRoot && (await runCliAs('nobody', ['--version'])).code !== 0) {
        context.skip('nobody cannot run the built CLI here (the checkout is not readable by other users)');
      }
      const folder = await dir();
      await chmod(folder.path, 0o755);
      const config = await folder.write('ccb.yaml', providerYaml);
      await chmod(config, 0o000);
      const args = ['config', 'check', '--config', config];
      const result = asRoot ? await runCliAs('nobody', args) : await runCli(args);
      const line = expectOneLine(result, 1);
      expect(line).toContain(`${config}: cannot be read: EACCES`);
      expect(line).toContain('check the permissions');
    },
  );

  it('ccb config check with broken YAML is one located line', async () => {
    const folder = await dir();
    const config = await folder.write('ccb.yaml', 'server:\n  port: [8000\n');
    const line = expectOneLine(await runCli(['config', 'check', '--config', config]), 1);
    expect(line).toMatch(new RegExp(`^ccb: ${config}:\\d+:\\d+`));
  });

  it('ccb config check gives each problem of a config its own line, each prefixed', async () => {
    const folder = await dir();
    const config = await folder.write(
      'ccb.yaml',
      `server:\n  prot: 1\nrouting:\n  stratgy: weighted\n${providerYaml}`,
    );
    const { code, stderr } = await runCli(['config', 'check', '--config', config]);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(stackFrame);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `ccb: ${config}:2:3 server.prot: unknown key, did you mean port?`,
      `ccb: ${config}:4:3 routing.stratgy: unknown key, did you mean strategy?`,
    ]);
  });

  it('ccb status against nothing says it cannot reach it and what to check', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const line = expectOneLine(await runCli(['status', '--url', url]), 1);
    expect(line).toContain(`cannot reach ${url}/readyz`);
    expect(line).toContain('pass its address with --url');
  });

  it('ccb status against something that is not ccb says so', async () => {
    const server = createHttpServer((_request, response) => response.writeHead(404).end('not here'));
    servers.push(server);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const line = expectOneLine(await runCli(['status', '--url', url]), 1);
    expect(line).toBe(
      `ccb: ${url}/readyz answered HTTP 404 without a ccb readiness report; check that --url is the address of a ccb`,
    );
  });

  it('ccb usage with the ledger missing is one line', async () => {
    const folder = await dir();
    const config = await folder.write('ccb.yaml', providerYaml);
    expectOneLine(await runCli(['usage', '--config', config]), 1);
  });
});

describe('a wrong command line is one line with a suggestion, exit 2', () => {
  const cases: [args: string[], message: string][] = [
    [['serve', '--prot', '8080'], 'ccb: ccb serve has no flag --prot; did you mean --port?'],
    [['--prot', '8080'], 'ccb: ccb has no flag --prot; did you mean --port?'],
    [['status', '--jsn'], 'ccb: ccb status has no flag --jsn; did you mean --json?'],
    [['init', '--forse'], 'ccb: ccb init has no flag --forse; did you mean --force?'],
    [
      ['config', 'check', '--confg', 'x'],
      'ccb: ccb config check has no flag --confg; did you mean --config?',
    ],
    [['usage', '--sinse', '1d'], 'ccb: ccb usage has no flag --sinse; did you mean --since?'],
    [['demo', '--flaky', '1'], 'ccb: ccb demo has no flag --flaky; see ccb demo --help'],
    [
      ['serve', '--json'],
      'ccb: --json is a flag of ccb status, ccb reload, ccb providers list, ccb providers disable, ccb providers enable, ccb providers drain and ccb usage, not of ccb serve',
    ],
    [['serve', '-x'], 'ccb: ccb serve has no flag -x; its short flags are -c, -p and -h'],
    [['serve', '--reload', 'now'], 'ccb: unexpected argument "now": --reload is a switch and takes no value'],
    [['status', '--watch'], 'ccb: --watch is a flag of ccb serve, not of ccb status'],
    [['confg', 'check'], 'ccb: unknown command "confg" for ccb; did you mean config?'],
    [['config', 'chek'], 'ccb: unknown command "chek" for ccb config; did you mean check?'],
    [['config'], 'ccb: ccb config needs a command: check, schema or reference (see ccb config --help)'],
    [['serve', 'now'], 'ccb: unexpected argument "now": ccb serve takes no arguments'],
    [
      ['status', '--json', 'false'],
      'ccb: unexpected argument "false": --json is a switch and takes no value',
    ],
    [
      ['--config', 'ccb.yaml', 'serve'],
      'ccb: --config must come after the command name: ccb serve --config …',
    ],
    [['serve', '--port'], 'ccb: --port needs a value: port to listen on (default 8000)'],
    [['status', '--json=yes'], 'ccb: --json is a switch and takes no value; write --json or --no-json'],
    [['serve', '-p', '1', '--port', '2'], 'ccb: --port is given twice; give it once'],
    [['serve', '--version'], 'ccb: --version stands alone: run `ccb --version`'],
    [
      ['serve', '--port', '99999'],
      'ccb: --port must be a whole number from 0 to 65535 (0 picks a free port); got "99999"',
    ],
    [
      ['demo', '--port', 'abc'],
      'ccb: --port must be a whole number from 0 to 65535 (0 picks a free port); got "abc"',
    ],
    [
      ['demo', '--flaky-rate', 'abc'],
      'ccb: --flaky-rate must be a number from 0 to 1, such as 0.25; got "abc"',
    ],
    [
      ['serve', '--log-format', 'jsn'],
      'ccb: --log-format must be one of auto, json, pretty; got "jsn", did you mean json?',
    ],
    [
      ['status', '--url', 'nonsense'],
      'ccb: --url must be an http:// or https:// URL, such as http://127.0.0.1:8000; got "nonsense"',
    ],
    [
      ['usage', '--since', 'nonsense'],
      'ccb: --since must be a duration such as 24h, 7d or 30d; got "nonsense"',
    ],
    [
      ['usage', '--by', 'modle'],
      'ccb: --by must be one of provider, model, day, key, session; got "modle", did you mean model?',
    ],
    [['init', '--dir='], 'ccb: --dir needs a value; got an empty string'],
  ];

  it.each(cases)('ccb %j', async (args, message) => {
    // In an empty folder, so nothing would be found to run even if the command line were taken.
    const folder = await dir();
    const line = expectOneLine(await runCli(args, { cwd: folder.path }), 2);
    expect(line).toBe(message);
  });

  it('still takes aliases, --flag=value, --no-<switch>, --help and -h', async () => {
    const folder = await dir();
    const config = await folder.write('ccb.yaml', providerYaml);
    expect((await runCli(['config', 'check', '-c', config])).code).toBe(0);
    expect((await runCli(['config', 'check', `--config=${config}`])).code).toBe(0);
    expect((await runCli(['init', `--dir=${folder.path}`, '--no-force'])).code).toBe(1);
    for (const help of ['--help', '-h']) {
      const shown = await runCli(['config', 'check', help]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('ccb config check');
      expect(shown.stdout).toContain('--config');
      expect(shown.stdout).not.toContain('\u001b[');
    }
  });
});

describe('a bug in ccb is one line that says how to see the stack', () => {
  it('prints one line and points to CCB_DEBUG=1', async () => {
    const result = await runCli(['config', 'schema'], {
      nodeArgs: ['--import', fixture('break-json-stringify.mjs')],
    });
    const line = expectOneLine(result, 1);
    expect(line).toBe(
      'ccb: internal error: simulated bug in pretty-printing (this is a bug in ccb: run again with CCB_DEBUG=1 to see the stack trace, and please report it)',
    );
  });

  it('prints the stack under CCB_DEBUG=1', async () => {
    const result = await runCli(['config', 'schema'], {
      nodeArgs: ['--import', fixture('break-json-stringify.mjs')],
      env: { CCB_DEBUG: '1' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toContain('the stack trace follows');
    expect(result.stderr).toMatch(stackFrame);
  });

  it('calls a dependency that does not load a broken install, in one line', async () => {
    const result = await runCli(['config', 'schema'], {
      nodeArgs: ['--import', fixture('missing-yaml.mjs')],
    });
    const line = expectOneLine(result, 1);
    expect(line).toMatch(
      /^ccb: ccb is not installed completely \(Cannot find package 'yaml' .*\); reinstall it$/,
    );
  });

  it('says in one line that ccb demo needs the optional mock upstream when it is not installed', async () => {
    const result = await runCli(['demo', '--port', '0'], {
      nodeArgs: ['--import', fixture('missing-mock-upstream.mjs')],
    });
    const line = expectOneLine(result, 1);
    expect(line).toMatch(
      /^ccb: ccb demo needs the optional package @ccb\/mock-upstream, which is not installed /,
    );
    expect(line).toContain('npm install @ccb/mock-upstream');
  });

  it('catches an error after startup, while serving, the same way', async () => {
    const folder = await dir();
    const result = await runCli(['serve', '--port', '0', '--log-format', 'json'], {
      cwd: folder.path,
      env: { ANTHROPIC_API_KEY: 'sk-test-key' },
      nodeArgs: ['--import', fixture('reject-after-listen.mjs')],
    });
    expect(result.stdout).toContain('ccb listening on');
    const line = expectOneLine(result, 1);
    expect(line).toContain('internal error: simulated failure after startup');
  });
});
