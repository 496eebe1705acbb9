import { defineCommand } from 'citty';
import { describe, expect, it } from 'vitest';
import { type CommandLine, parseCommandLine } from './parse-command-line.js';

/** A tree shaped like ccb's: a root that defaults to `serve`, a leaf with switches, a group without a default. */
const serveArgs = {
  config: { type: 'string', alias: 'c', description: 'Config file' },
  port: { type: 'string', alias: 'p', description: 'Port to listen on' },
  'log-format': { type: 'string', description: 'auto | json | pretty' },
  'allow-unauthenticated': { type: 'boolean', description: 'Trusted networks only' },
} as const;
const serve = defineCommand({ meta: { name: 'serve' }, args: serveArgs, run() {} });
const status = defineCommand({
  meta: { name: 'status' },
  args: { url: { type: 'string' }, json: { type: 'boolean' } },
  run() {},
});
const demo = defineCommand({
  meta: { name: 'demo' },
  args: { port: { type: 'string', alias: 'p' }, 'flaky-rate': { type: 'string' } },
  run() {},
});
const check = defineCommand({ meta: { name: 'check' }, args: { config: serveArgs.config }, run() {} });
const config = defineCommand({ meta: { name: 'config' }, subCommands: { check } });
const drain = defineCommand({
  meta: { name: 'drain' },
  args: { name: { type: 'positional', required: true }, url: { type: 'string' } },
  run() {},
});
const providers = defineCommand({ meta: { name: 'providers' }, subCommands: { drain } });
const root = defineCommand({
  meta: { name: 'ccb', version: '1.2.3' },
  args: serveArgs,
  subCommands: { serve, status, demo, config, providers },
  default: 'serve',
});

async function parse(...argv: string[]): Promise<CommandLine> {
  return parseCommandLine(root, argv);
}

async function usageMessage(...argv: string[]): Promise<string> {
  const error = await parse(...argv).then(
    () => undefined,
    (thrown: unknown) => thrown as Error & { code?: string },
  );
  expect(error?.code, `ccb ${argv.join(' ')} should be a usage error`).toBe('CCB_CLI_USAGE');
  return (error as Error).message;
}

describe('parseCommandLine', () => {
  it('reads every documented spelling of a flag', async () => {
    const line = await parse('serve', '-p', '1', '--config=ccb.yaml', '--log-format', 'json');
    expect(line.command).toBe(serve);
    expect(Object.fromEntries(line.flags)).toEqual({ port: '1', config: 'ccb.yaml', 'log-format': 'json' });
    expect(Object.fromEntries((await parse('serve', '-p8080')).flags)).toEqual({ port: '8080' });
    expect(Object.fromEntries((await parse('status', '--no-json')).flags)).toEqual({ json: false });
    expect(Object.fromEntries((await parse('status', '--json=false')).flags)).toEqual({ json: false });
  });

  it('runs the default command for flags alone, and the root for --help', async () => {
    const line = await parse('--port', '0', '--allow-unauthenticated');
    expect(line.command).toBe(serve);
    expect(line.names).toEqual(['ccb']);
    expect((await parse('--help')).command).toBe(root);
    expect(await parse('config', 'check', '-h')).toMatchObject({ command: check, help: true });
    expect(await parse('--version')).toMatchObject({ version: true });
    expect(await parse('-v')).toMatchObject({ version: true });
  });

  it('suggests the flag meant by a misspelt one', async () => {
    expect(await usageMessage('serve', '--prot', '1')).toBe(
      'ccb serve has no flag --prot; did you mean --port?',
    );
    expect(await usageMessage('--prot', '1')).toBe('ccb has no flag --prot; did you mean --port?');
    expect(await usageMessage('serve', '--logFormat', 'json')).toContain('did you mean --log-format?');
    expect(await usageMessage('status', '--hepl')).toContain('did you mean --help?');
  });

  it('names the command a flag belongs to when it is not this one', async () => {
    expect(await usageMessage('serve', '--flaky-rate', '1')).toBe(
      '--flaky-rate is a flag of ccb demo, not of ccb serve',
    );
    expect(await usageMessage('status', '--port', '1')).toBe(
      '--port is a flag of ccb serve and ccb demo, not of ccb status',
    );
  });

  it('takes a declared positional argument, needs a required one, and refuses a second', async () => {
    const line = await parse('providers', 'drain', 'alpha', '--url', 'http://127.0.0.1:1');
    expect(line.flags.get('name')).toBe('alpha');
    expect(await usageMessage('providers', 'drain')).toBe(
      'ccb providers drain needs NAME (see ccb providers drain --help)',
    );
    expect(await usageMessage('providers', 'drain', 'alpha', 'beta')).toBe(
      'unexpected argument "beta": ccb providers drain takes no arguments',
    );
  });

  it('lists the short flags for an unknown one', async () => {
    expect(await usageMessage('serve', '-x')).toBe(
      'ccb serve has no flag -x; its short flags are -c, -p and -h',
    );
  });

  it('suggests the command meant by a misspelt one, at any depth', async () => {
    expect(await usageMessage('statsu')).toBe('unknown command "statsu" for ccb; did you mean status?');
    expect(await usageMessage('config', 'chek')).toBe(
      'unknown command "chek" for ccb config; did you mean check?',
    );
    expect(await usageMessage('frobnicate')).toBe(
      'unknown command "frobnicate" for ccb; the commands are serve, status, demo, config and providers',
    );
    expect(await usageMessage('config')).toBe('ccb config needs a command: check (see ccb config --help)');
  });

  it('refuses stray words, after -- too, and explains one that follows a switch', async () => {
    expect(await usageMessage('serve', 'now')).toBe(
      'unexpected argument "now": ccb serve takes no arguments',
    );
    expect(await usageMessage('status', '--', 'x')).toBe(
      'unexpected argument "x": ccb status takes no arguments',
    );
    expect(await usageMessage('status', '--json', 'false')).toBe(
      'unexpected argument "false": --json is a switch and takes no value',
    );
  });

  it('refuses a flag placed before the command, which citty would drop', async () => {
    expect(await usageMessage('--config', 'x.yaml', 'serve')).toBe(
      '--config must come after the command name: ccb serve --config …',
    );
  });

  it('refuses flags used wrongly: without a value, with one they cannot take, twice, negated, combined', async () => {
    expect(await usageMessage('serve', '--port')).toBe('--port needs a value: port to listen on');
    expect(await usageMessage('serve', '--port', '--config', 'x')).toBe(
      '--port needs a value: port to listen on',
    );
    expect(await usageMessage('serve', '--port=')).toBe('--port needs a value; got an empty string');
    expect(await usageMessage('status', '--json=yes')).toBe(
      '--json is a switch and takes no value; write --json or --no-json',
    );
    expect(await usageMessage('serve', '-p', '1', '--port', '2')).toBe('--port is given twice; give it once');
    expect(await usageMessage('serve', '--no-port')).toContain('--port takes a value and cannot be negated');
    expect(await usageMessage('serve', '-p=1')).toBe('write -p VALUE or --port=VALUE, not -p=1');
    expect(await usageMessage('serve', '--version')).toBe('--version stands alone: run `ccb --version`');
  });

  it('checks flag values before anything runs', async () => {
    expect(await usageMessage('demo', '--port', '99999')).toContain(
      '--port must be a whole number from 0 to 65535',
    );
    expect(await usageMessage('demo', '--flaky-rate', 'abc')).toContain(
      '--flaky-rate must be a number from 0 to 1',
    );
    expect(await usageMessage('status', '--url', 'nonsense')).toContain(
      '--url must be an http:// or https:// URL',
    );
  });
});
