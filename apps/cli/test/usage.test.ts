import { join } from 'node:path';
import { createLedger } from '@ccb/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerRow } from './ledger-row.js';
import { runCli, tempDir } from './run-cli.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function dir() {
  const created = await tempDir();
  cleanups.push(() => created.dispose());
  return created;
}

describe('ccb usage', () => {
  it('reads the ledger while the providers’ ${VAR} secrets are unset', async () => {
    const folder = await dir();
    const file = await folder.write(
      'ccb.yaml',
      [
        'auth: { api_keys: ["${CCB_API_KEY}"] }',
        'ledger: { path: "${LEDGER_NAME:-usage}.sqlite" }',
        'providers:',
        '  - name: anthropic',
        '    base_url: https://api.anthropic.com',
        '    api_key: ${ANTHROPIC_API_KEY}',
      ].join('\n'),
    );
    const ledger = createLedger({ path: join(folder.path, 'usage.sqlite') });
    ledger.record(ledgerRow({ provider: 'anthropic', costUsd: 0.5 }));
    ledger.record(ledgerRow({ provider: 'anthropic', costUsd: 0.25 }));
    ledger.close();

    // The children's environment has no ANTHROPIC_* or CCB_* variable, so the full config cannot resolve.
    const check = await runCli(['config', 'check', '--config', file]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('ANTHROPIC_API_KEY is not set');

    const table = await runCli(['usage', '--config', file, '--since', '1d']);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/anthropic\s+2\s/);
    const json = JSON.parse((await runCli(['usage', '--config', file, '--json'])).stdout);
    expect(json.total).toMatchObject({ requests: 2, costUsd: 0.75 });
  });

  it('says in one line that there is no ledger yet, also without a config file or ANTHROPIC_API_KEY', async () => {
    const folder = await dir();
    const { code, stdout, stderr } = await runCli(['usage'], { cwd: folder.path });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `ccb: no usage ledger at ${join(folder.path, 'ccb-ledger.sqlite')} yet (ledger.enabled: true)\n`,
    );
  });
});
