import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The built CLI entry; tests run the real binary as users do. */
export const cliPath = resolve(import.meta.dirname, '../dist/cli.js');

/** Environment for child processes: no inherited provider keys or config paths. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(ANTHROPIC_|CCB_)/.test(name)) env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs `ccb <args>` to completion; `nodeArgs` go to node itself (e.g. `--import` a fault to inject). */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; nodeArgs?: readonly string[] } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), cliPath, ...args],
      { cwd: options.cwd, env: cleanEnv(options.env), timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

/** A temporary folder, removed by `dispose()`. */
export async function tempDir(): Promise<{
  path: string;
  write(name: string, text: string): Promise<string>;
  dispose(): Promise<void>;
}> {
  const path = await mkdtemp(join(tmpdir(), 'ccb-cli-'));
  return {
    path,
    async write(name, text) {
      const file = join(path, name);
      await writeFile(file, text);
      return file;
    },
    dispose: () => rm(path, { recursive: true, force: true }),
  };
}

export interface RunningCcb {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every JSON log line the process wrote, parsed. */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the next request log line. */
  nextRequestLine(): Promise<Record<string, unknown>>;
  /** Resolves with the next log line (after this call) that `match` accepts. */
  nextLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the first log line, logged already or still to come, that `match` accepts. */
  line(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the request log line of `requestId` (logged already or still to come). */
  requestLine(requestId: string): Promise<Record<string, unknown>>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `ccb <args>` (a serving command) with JSON logs and waits for its listening line; `nodeArgs` go to node. */
export async function startCcb(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; nodeArgs?: readonly string[] } = {},
): Promise<RunningCcb> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), cliPath, ...args, '--log-format', 'json'],
    {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  const waiters: ((line: Record<string, unknown>) => void)[] = [];
  const byId = new Map<string, (line: Record<string, unknown>) => void>();
  let matchers: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`ccb did not start within 15 s; stderr: ${stderr}`)),
      15_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ccb exited with ${code} before listening; stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      lines.push(line);
      if (matchers.length > 0) {
        const waiting = matchers;
        matchers = [];
        for (const matcher of waiting) {
          if (matcher.match(line)) matcher.resolve(line);
          else matchers.push(matcher);
        }
      }
      const match = typeof line.msg === 'string' ? /listening on (http:\/\/\S+)/.exec(line.msg) : null;
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1] as string);
      }
      if (line.msg === 'request') {
        waiters.shift()?.(line);
        const waiting = byId.get(String(line.request_id));
        if (waiting !== undefined) waiting(line);
      }
    });
  });
  return {
    url,
    child,
    lines,
    nextRequestLine: () => new Promise((resolveLine) => waiters.push(resolveLine)),
    nextLine: (match) => new Promise((resolveLine) => matchers.push({ match, resolve: resolveLine })),
    line: (match) =>
      new Promise((resolveLine) => {
        const logged = lines.find(match);
        if (logged !== undefined) resolveLine(logged);
        else matchers.push({ match, resolve: resolveLine });
      }),
    requestLine: (requestId) =>
      new Promise((resolveLine) => {
        const logged = lines.find((line) => line.msg === 'request' && line.request_id === requestId);
        if (logged !== undefined) resolveLine(logged);
        else byId.set(requestId, resolveLine);
      }),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}

/** One provider line of a generated test config. */
export interface ProviderSpec {
  readonly name: string;
  readonly url: string;
  readonly key: string;
  readonly weight?: number;
  readonly priority?: number;
}

/** Serves a generated config (`extra` YAML sections plus the providers) on 127.0.0.1:0. */
export async function serveProviders(
  providers: readonly ProviderSpec[],
  extra = '',
): Promise<{ ccb: RunningCcb; dispose(): Promise<void> }> {
  const dir = await tempDir();
  const yaml = [
    extra,
    'providers:',
    ...providers.flatMap((provider) => [
      `  - name: ${provider.name}`,
      `    base_url: ${provider.url}`,
      `    api_key: ${provider.key}`,
      `    weight: ${provider.weight ?? 1}`,
      `    priority: ${provider.priority ?? 1}`,
    ]),
  ].join('\n');
  const config = await dir.write('ccb.yaml', yaml);
  const ccb = await startCcb(['serve', '--config', config, '--port', '0']);
  return {
    ccb,
    async dispose() {
      await ccb.stop();
      await dir.dispose();
    },
  };
}

/** A request of its own Claude Code session (as Claude Code sends it), so routing treats each as a new session. */
let sessionCounter = 0;
export function askAsNewSession<T extends object>(request: T): T & { metadata: { user_id: string } } {
  sessionCounter += 1;
  return {
    ...request,
    metadata: {
      user_id: JSON.stringify({
        device_id: 'test',
        account_uuid: '',
        session_id: `session-${process.pid}-${sessionCounter}`,
      }),
    },
  };
}

/**
 * Polls `read` until `check` holds, for state another process holds (a ccb's /readyz or /metrics, a ledger): there
 * is no event to await across processes. Bounded by `withinInMs`; the error shows the last value read.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  withinInMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + withinInMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within ${withinInMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
