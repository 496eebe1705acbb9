import { chmod, lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config-error.js';
import { parseConfig } from '../src/parse-config.js';
import { persistProviderChange } from '../src/persist-provider-change.js';
import { starterConfigYaml } from '../src/starter-config.js';

/** Comments everywhere, aligned and not, quoting styles, blank lines, a flow mapping, an anchor and a merge key. */
const commented = `# ccb.yaml  (top comment)
server:              # the listener
  port: 8000         # aligned comment

providers:   # the list

  # the main provider
  - name: "primary"          # quoted name
    base_url: https://a.example
    api_key: \${A_KEY}        # from .env
    weight: 2                # share
    headers:
      x-team: platform       # nested comment

  - { name: flow, base_url: "https://f.example", api_key: k }   # flow entry

  - &shared                  # a provider others build on
    name: shared
    base_url: 'https://shared.example'
    api_key: k
    timeouts: { connect: 5s }

  - <<: *shared
    name: merged
    api_key: 'k'
    models:
      - claude-*   # last line of the provider
# trailing comment
`;

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ccb-persist-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function configFile(text: string, mode = 0o644): Promise<string> {
  const file = join(folder, 'ccb.yaml');
  await writeFile(file, text);
  await chmod(file, mode);
  return file;
}

/** Lines of `after` that differ from `before`'s, by position; both must have the same number of lines. */
function changedLines(before: string, after: string): [string, string][] {
  const beforeLines = before.split('\n');
  const afterLines = after.split('\n');
  expect(afterLines).toHaveLength(beforeLines.length);
  return beforeLines.flatMap((line, index) =>
    line === afterLines[index] ? [] : [[line, afterLines[index] as string] as [string, string]],
  );
}

/** The line `after` has that `before` lacks, when `after` is `before` with exactly one line inserted. */
function insertedLine(before: string, after: string): { index: number; line: string } {
  const beforeLines = before.split('\n');
  const afterLines = after.split('\n');
  expect(afterLines).toHaveLength(beforeLines.length + 1);
  const index = afterLines.findIndex((line, position) => line !== beforeLines[position]);
  expect([...afterLines.slice(0, index), ...afterLines.slice(index + 1)]).toEqual(beforeLines);
  return { index, line: afterLines[index] as string };
}

async function persistError(...args: Parameters<typeof persistProviderChange>): Promise<ConfigError> {
  const error = await persistProviderChange(...args).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!ConfigError.is(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('persistProviderChange', () => {
  it('changes only the value in the line of a present key, keeping its comment and alignment', async () => {
    const file = await configFile(commented);
    const { text } = await persistProviderChange(file, 'primary', { weight: 5 });
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(changedLines(commented, text)).toEqual([
      ['    weight: 2                # share', '    weight: 5                # share'],
    ]);
    expect(parseConfig(text, { env: { A_KEY: 'k' } }).providers[0]?.weight).toBe(5);
  });

  it('adds an absent key as one line of the provider, after the key before it in the schema', async () => {
    const file = await configFile(commented);
    const { text } = await persistProviderChange(file, 'primary', { priority: 0 });
    expect(insertedLine(commented, text)).toEqual({ index: 11, line: '    priority: 0' });
    expect(text.split('\n')[10]).toBe('    weight: 2                # share');

    // In a provider whose last value is a nested list, and one taking settings from a merge key.
    const merged = (await persistProviderChange(file, 'merged', { enabled: false })).text;
    const { index, line } = insertedLine(text, merged);
    expect(line).toBe('    enabled: false');
    expect(merged.split('\n')[index - 1]).toBe("    api_key: 'k'");
    const config = parseConfig(merged, { env: { A_KEY: 'k' } });
    expect(config.providers.map((provider) => [provider.name, provider.priority, provider.enabled])).toEqual([
      ['primary', 0, true],
      ['flow', 1, true],
      ['shared', 1, true],
      ['merged', 1, false],
    ]);
    expect(config.providers[2]?.base_url).toBe('https://shared.example');
  });

  it('fills a key written without a value, before its comment', async () => {
    const text =
      'providers:\n  - name: a\n    base_url: https://a.example\n    api_key: k\n    weight:\n    enabled:    # later\n';
    const file = await configFile(text);
    const written = (await persistProviderChange(file, 'a', { weight: 2, enabled: true })).text;
    expect(changedLines(text, written)).toEqual([
      ['    weight:', '    weight: 2'],
      ['    enabled:    # later', '    enabled: true    # later'],
    ]);
  });

  it('keeps CRLF line breaks, and a file without a final line break', async () => {
    const crlf = 'providers:\r\n  - name: a\r\n    base_url: https://a.example\r\n    api_key: k\r\n';
    const file = await configFile(crlf);
    expect((await persistProviderChange(file, 'a', { weight: 2 })).text).toBe(
      'providers:\r\n  - name: a\r\n    base_url: https://a.example\r\n    api_key: k\r\n    weight: 2\r\n',
    );
    await configFile('providers:\n  - name: a\n    base_url: https://a.example\n    api_key: k');
    expect((await persistProviderChange(file, 'a', { priority: 0 })).text).toBe(
      'providers:\n  - name: a\n    base_url: https://a.example\n    api_key: k\n    priority: 0',
    );
  });

  it('edits a flow mapping within its braces', async () => {
    const file = await configFile(commented);
    const { text } = await persistProviderChange(file, 'flow', { weight: 4, enabled: false });
    expect(changedLines(commented, text)).toEqual([
      [
        '  - { name: flow, base_url: "https://f.example", api_key: k }   # flow entry',
        '  - { name: flow, base_url: "https://f.example", api_key: k, weight: 4, enabled: false }   # flow entry',
      ],
    ]);
    const again = (await persistProviderChange(file, 'flow', { weight: 1 })).text;
    expect(changedLines(text, again)).toEqual([
      [
        '  - { name: flow, base_url: "https://f.example", api_key: k, weight: 4, enabled: false }   # flow entry',
        '  - { name: flow, base_url: "https://f.example", api_key: k, weight: 1, enabled: false }   # flow entry',
      ],
    ]);
  });

  it('keeps the commented starter config byte for byte outside the changed values', async () => {
    const file = await configFile(starterConfigYaml);
    await persistProviderChange(file, 'backup', { enabled: true, priority: 0 });
    const { text } = await persistProviderChange(file, 'anthropic-primary', { weight: 7 });
    expect(changedLines(starterConfigYaml, text)).toEqual([
      [
        '    weight: 2                 # share of traffic under the weighted strategy (integer >= 1)',
        '    weight: 7                 # share of traffic under the weighted strategy (integer >= 1)',
      ],
      [
        '    priority: 2               # fallback tier: used only while no tier-1 provider is usable',
        '    priority: 0               # fallback tier: used only while no tier-1 provider is usable',
      ],
      ['    enabled: false', '    enabled: true'],
    ]);
  });

  it('writes nothing for an empty patch or unchanged values', async () => {
    const file = await configFile(commented);
    const before = (await stat(file)).mtimeMs;
    expect((await persistProviderChange(file, 'primary', {})).text).toBe(commented);
    expect((await persistProviderChange(file, 'primary', { weight: 2 })).text).toBe(commented);
    expect((await stat(file)).mtimeMs).toBe(before);
  });

  it('replaces the file atomically with its mode, leaving no temporary file, and follows a symbolic link', async () => {
    const file = await configFile(commented, 0o640);
    const link = join(folder, 'link.yaml');
    await symlink(file, link);
    const { text } = await persistProviderChange(link, 'primary', { weight: 3 });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect((await readdir(folder)).sort()).toEqual(['ccb.yaml', 'link.yaml']);
  });

  it('applies concurrent changes to one file one after another, losing none', async () => {
    const file = await configFile(commented);
    await Promise.all([
      persistProviderChange(file, 'primary', { weight: 9 }),
      persistProviderChange(file, 'flow', { priority: 3 }),
      persistProviderChange(file, 'merged', { weight: 4 }),
    ]);
    const config = parseConfig(await readFile(file, 'utf8'), { env: { A_KEY: 'k' } });
    expect(config.providers.map((provider) => [provider.weight, provider.priority])).toEqual([
      [9, 1],
      [1, 3],
      [1, 1],
      [4, 1],
    ]);
  });
});

describe('persistProviderChange refusals', () => {
  it('names a provider the file does not list', async () => {
    const file = await configFile(commented);
    const error = await persistError(file, 'nope', { weight: 2 });
    expect(error.code).toBe('CCB_CONFIG_PERSIST_UNKNOWN_PROVIDER');
    expect(error.message).toBe(
      `${file} providers: has no provider named "nope" (names: primary, flow, shared, merged)`,
    );
  });

  it('refuses a read-only file and leaves it as it was', async () => {
    const file = await configFile(commented, 0o444);
    const error = await persistError(file, 'primary', { weight: 3 });
    expect(error.code).toBe('CCB_CONFIG_PERSIST_NOT_WRITABLE');
    expect(error.message).toContain('is read-only (mode 444)');
    expect(await readFile(file, 'utf8')).toBe(commented);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file in a folder it may not write', async () => {
    const file = await configFile(commented);
    await chmod(folder, 0o555);
    try {
      const error = await persistError(file, 'primary', { weight: 3 });
      expect(error.code).toBe('CCB_CONFIG_PERSIST_NOT_WRITABLE');
      expect(await readFile(file, 'utf8')).toBe(commented);
    } finally {
      await chmod(folder, 0o755);
    }
  });

  it('refuses providers that are not a plain list of mappings, and a value shared through an anchor', async () => {
    const cases = [
      'lists: &list\n  - { name: a, base_url: "https://a.example", api_key: k }\nproviders: *list\n',
      'one: &one { name: a, base_url: "https://a.example", api_key: k }\nproviders:\n  - *one\n',
      'providers: { name: a }\n',
      'providers:\n  - name: a\n    weight: &w 2\n  - name: b\n    weight: *w\n',
    ];
    for (const text of cases) {
      const file = await configFile(text);
      const error = await persistError(file, 'a', { weight: 3 });
      expect(error.code, text).toBe('CCB_CONFIG_PERSIST_UNSUPPORTED');
      expect(await readFile(file, 'utf8')).toBe(text);
    }
  });

  it('refuses values the schema refuses, and disabling the last enabled provider', async () => {
    const file = await configFile(commented);
    const invalid = await persistError(file, 'primary', { weight: 0, priority: 1.5 });
    expect(invalid.code).toBe('CCB_CONFIG_INVALID');
    expect(invalid.issues.map((issue) => issue.path)).toEqual([
      'providers[0].weight',
      'providers[0].priority',
    ]);
    const two = await configFile(
      'providers:\n  - { name: a, base_url: "https://a.example", api_key: k }\n  - { name: b, base_url: "https://b.example", api_key: k }\n',
    );
    await persistProviderChange(two, 'b', { enabled: false });
    const lastOne = await persistError(two, 'a', { enabled: false });
    expect(lastOne.code).toBe('CCB_CONFIG_INVALID');
    expect(lastOne.message).toContain('providers[0].enabled: would leave no provider enabled');
  });

  it('refuses a change to a provider that others take settings from through a merge key', async () => {
    const file = await configFile(commented);
    // Adding weight to shared would change merged as well.
    const error = await persistError(file, 'shared', { weight: 5 });
    expect(error.code).toBe('CCB_CONFIG_PERSIST_UNSUPPORTED');
    expect(await readFile(file, 'utf8')).toBe(commented);
  });

  it('reports a missing file and invalid YAML as such', async () => {
    expect((await persistError(join(folder, 'absent.yaml'), 'a', { weight: 2 })).code).toBe(
      'CCB_CONFIG_NOT_FOUND',
    );
    const file = await configFile('providers:\n  - name: a\n  weight: [\n');
    expect((await persistError(file, 'a', { weight: 2 })).code).toBe('CCB_CONFIG_YAML');
  });
});
