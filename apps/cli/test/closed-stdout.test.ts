import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliPath, tempDir } from './run-cli.js';

/**
 * Runs `ccb <args>` with stdout piped into a reader that closes it after the first line, as `| head -1` does, and
 * resolves with how it exited. The output must be larger than a pipe holds (64 KiB on Linux), so ccb is still
 * writing when the reader goes away.
 */
async function readFirstLineThenClose(
  args: readonly string[],
): Promise<{ code: number | null; firstLine: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  let received = '';
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no first line within 15 s; stderr: ${stderr}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      const end = received.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      child.stdout.destroy();
      resolve(received.slice(0, end));
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code] = (await exited) as [number | null];
  clearTimeout(timer);
  return { code, firstLine, stderr };
}

describe('a reader that closes stdout early', () => {
  let folder: Awaited<ReturnType<typeof tempDir>>;
  let config: string;

  beforeAll(async () => {
    folder = await tempDir();
    // A model_map big enough that the resolved config printed is several pipe buffers long.
    const entries = Array.from(
      { length: 4000 },
      (_, index) => `      claude-model-${index}: upstream-model-${index}`,
    );
    config = await folder.write(
      'ccb.yaml',
      `providers:\n  - name: p\n    base_url: https://api.anthropic.com\n    api_key: sk-provider-key-0123456789\n    model_map:\n${entries.join('\n')}\n`,
    );
  });
  afterAll(async () => {
    await folder.dispose();
  });

  it('ends `ccb config check | head -1` with exit 0 and nothing on stderr', async () => {
    const result = await readFirstLineThenClose(['config', 'check', '--config', config]);
    expect(result.firstLine).toBe(`# ${config}: valid`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
