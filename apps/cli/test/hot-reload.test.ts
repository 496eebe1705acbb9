import { writeFile } from 'node:fs/promises';
import Anthropic from '@anthropic-ai/sdk';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatedUpstream, type GatedUpstream } from './gated-upstream.js';
import { askAsNewSession, type RunningCcb, startCcb, tempDir } from './run-cli.js';

const ask = {
  model: 'claude-sonnet-4-6',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

/** A config of `providers` (name and extra YAML per provider), with a comment that must survive. */
function configText(
  upstreams: ReadonlyMap<string, GatedUpstream>,
  providers: readonly [string, string][],
): string {
  return [
    '# hot reload test',
    'routing: { strategy: weighted }',
    'providers:',
    ...providers.flatMap(([name, extra]) => [
      `  - name: ${name}`,
      `    base_url: ${upstreams.get(name)?.url}`,
      `    api_key: key-${name}-0123456789`,
      ...(extra === '' ? [] : [`    ${extra}`]),
    ]),
    '',
  ].join('\n');
}

const isReloadLine = (line: Record<string, unknown>) =>
  typeof line.msg === 'string' && /^config reload/.test(line.msg);

describe('hot reload under load', () => {
  const upstreams = new Map<string, GatedUpstream>();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let ccb: RunningCcb;
  let file: string;

  beforeAll(async () => {
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      upstreams.set(name, await createGatedUpstream(name, `key-${name}-0123456789`));
    }
    dir = await tempDir();
    file = await dir.write(
      'ccb.yaml',
      configText(upstreams, [
        ['alpha', 'weight: 1'],
        ['beta', 'weight: 1'],
        ['delta', 'weight: 1'],
      ]),
    );
    ccb = await startCcb(['serve', '--config', file, '--port', '0', '--reload']);
    await ccb.line((line) => typeof line.msg === 'string' && line.msg.startsWith('watching'));
  });
  afterAll(async () => {
    await ccb?.stop();
    for (const upstream of upstreams.values()) await upstream.close();
    await dir?.dispose();
  });

  it('keeps 200 streams whole through five file changes, rejects the bad one, and ends as the last good file says', async () => {
    const client = new Anthropic({ baseURL: ccb.url, apiKey: 'unused', maxRetries: 0 });
    // A session bound to delta, which no change touches: its affinity must survive every reload.
    let deltaSession: ReturnType<typeof askAsNewSession<typeof ask>> | undefined;
    for (let tries = 0; tries < 40 && deltaSession === undefined; tries += 1) {
      const session = askAsNewSession(ask);
      const answer = await client.messages.create(session);
      if (answer.content[0]?.type === 'text' && answer.content[0].text.includes('delta'))
        deltaSession = session;
    }
    expect(deltaSession).toBeDefined();

    const streams = Array.from({ length: 200 }, () =>
      client.messages.stream(askAsNewSession(ask)).finalMessage(),
    );
    const settled = Promise.allSettled(streams);
    const heldTotal = () => [...upstreams.values()].reduce((sum, upstream) => sum + upstream.held, 0);
    for (let waited = 0; heldTotal() < 200 && waited < 200; waited += 1) {
      await Promise.race([...upstreams.values()].map((upstream) => upstream.heldAtLeast(upstream.held + 1)));
    }
    expect(heldTotal()).toBe(200);
    const betaHeld = upstreams.get('beta')?.held ?? 0;
    expect(betaHeld).toBeGreaterThan(0);

    const change = async (providers: [string, string][], text?: string) => {
      const logged = ccb.nextLine(isReloadLine);
      await writeFile(file, text ?? configText(upstreams, providers));
      return String((await logged).msg);
    };
    expect(
      await change([
        ['alpha', 'weight: 3'],
        ['beta', 'weight: 1'],
        ['delta', 'weight: 1'],
      ]),
    ).toContain('provider alpha: weight 1 -> 3');
    expect(
      await change([
        ['alpha', 'weight: 3'],
        ['beta', 'weight: 1'],
        ['delta', 'weight: 1'],
        ['gamma', 'weight: 1'],
      ]),
    ).toContain('provider gamma added');
    expect(
      await change([
        ['alpha', 'weight: 3'],
        ['delta', 'weight: 1'],
        ['gamma', 'weight: 1'],
      ]),
    ).toContain('provider beta removed');
    const rejected = await change([], `${configText(upstreams, [['alpha', 'weight: -3']])}`);
    expect(rejected).toContain('rejected');
    expect(rejected).toContain('weight');
    expect(
      await change([
        ['alpha', 'weight: 3'],
        ['delta', 'weight: 1'],
        ['gamma', 'weight: 2'],
      ]),
    ).toContain('provider gamma: weight 1 -> 2');
    // Every stream is still in flight, beta's too, though beta is gone from the configuration.
    expect(heldTotal()).toBe(200);
    expect(upstreams.get('beta')?.held).toBe(betaHeld);

    for (const upstream of upstreams.values()) upstream.release();
    const results = await settled;
    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed).toEqual([]);
    for (const result of results) {
      const message = (result as PromiseFulfilledResult<Anthropic.Message>).value;
      expect(message.stop_reason).toBe('end_turn');
      expect(message.content[0]).toMatchObject({
        type: 'text',
        text: expect.stringMatching(/^Hello from \w+!$/),
      });
    }

    const providers = await request(`${ccb.url}/admin/providers`).then((response) => response.body.json());
    expect(
      (providers as { providers: { name: string; effective: { weight: number } }[] }).providers.map(
        (provider) => [provider.name, provider.effective.weight],
      ),
    ).toEqual([
      ['alpha', 3],
      ['delta', 1],
      ['gamma', 2],
    ]);
    const metrics = await request(`${ccb.url}/metrics`).then((response) => response.body.text());
    expect(metrics).toMatch(/ccb_config_reloads_total\{result="applied"\} 4/);
    expect(metrics).toMatch(/ccb_config_reloads_total\{result="rejected"\} 1/);

    const betaBefore = upstreams.get('beta')?.requests ?? 0;
    const again = await client.messages.create(deltaSession as NonNullable<typeof deltaSession>);
    expect(again.content[0]).toMatchObject({ text: 'Hello from delta!' });
    for (let index = 0; index < 20; index += 1) await client.messages.create(askAsNewSession(ask));
    expect(upstreams.get('beta')?.requests).toBe(betaBefore);
  });
});

describe('reload on SIGHUP', () => {
  it('reloads without --reload and keeps serving; SIGTERM still drains a stream and exits 0', async () => {
    const alpha = await createGatedUpstream('alpha', 'key-alpha-0123456789');
    const beta = await createGatedUpstream('beta', 'key-beta-0123456789');
    const upstreams = new Map([
      ['alpha', alpha],
      ['beta', beta],
    ]);
    const dir = await tempDir();
    try {
      const file = await dir.write('ccb.yaml', configText(upstreams, [['alpha', '']]));
      const ccb = await startCcb(['serve', '--config', file, '--port', '0']);
      const client = new Anthropic({ baseURL: ccb.url, apiKey: 'unused', maxRetries: 0 });
      await writeFile(file, configText(upstreams, [['beta', '']]));
      const reloaded = ccb.nextLine(isReloadLine);
      ccb.child.kill('SIGHUP');
      const line = String((await reloaded).msg);
      expect(line).toContain('provider beta added');
      expect(line).toContain('provider alpha removed');
      const answer = await client.messages.create(ask);
      expect(answer.content[0]).toMatchObject({ text: 'Hello from beta!' });
      expect(ccb.child.exitCode).toBeNull();

      const stream = client.messages.stream(ask).finalMessage();
      await beta.heldAtLeast(1);
      const draining = ccb.nextLine((entry) => String(entry.msg).startsWith('SIGTERM: finishing in-flight'));
      const exited = ccb.stop();
      await draining;
      beta.release();
      expect((await stream).stop_reason).toBe('end_turn');
      expect(await exited).toBe(0);
    } finally {
      await alpha.close();
      await beta.close();
      await dir.dispose();
    }
  });
});

describe('reload on a new .env file', () => {
  it('notices a .env created after startup beside the config file, and never logs the key', async () => {
    const alpha = await createGatedUpstream('alpha', 'key-alpha-0123456789');
    const dir = await tempDir();
    try {
      const file = await dir.write(
        'ccb.yaml',
        `providers:\n  - name: alpha\n    base_url: ${alpha.url}\n    api_key: \${ALPHA_KEY:-key-alpha-0123456789}\n`,
      );
      const ccb = await startCcb(['serve', '--config', file, '--port', '0', '--reload'], { cwd: dir.path });
      await ccb.line((line) => String(line.msg).startsWith('watching'));
      const reloaded = ccb.nextLine(isReloadLine);
      await dir.write('.env', 'ALPHA_KEY=rotated-key-alpha-9876543210\n');
      const line = String((await reloaded).msg);
      expect(line).toContain('provider alpha: api_key changed');
      expect(JSON.stringify(ccb.lines)).not.toContain('rotated-key-alpha-9876543210');
      await ccb.stop();
    } finally {
      await alpha.close();
      await dir.dispose();
    }
  });
});
