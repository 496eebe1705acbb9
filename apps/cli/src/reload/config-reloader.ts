import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ProviderPatch } from '@ccb/admin-api';
import {
  type Config,
  configHash,
  configSecrets,
  diffConfigs,
  persistProviderChange,
  watchConfigFiles,
} from '@ccb/config';
import type { ConfigReloadResult } from '@ccb/telemetry';
import type { AdminControl } from '../admin/admin-control.js';
import type { Balancer } from '../balancer.js';
import { checkListenSafety, type ListenSafetyOptions } from '../listen-safety.js';
import type { Output } from '../output.js';
import { describeFailure } from '../report-failure.js';
import type { ReloadReport } from './reload-report.js';
import { keepRestartOnly } from './restart-only.js';

/** A configuration as read from its files. */
export interface LoadedFiles {
  readonly config: Config;
  /** The config file, or `undefined` for the built-in default. */
  readonly path: string | undefined;
  /** Every file the configuration was read from (config, `.env` files, price file): what a watcher watches. */
  readonly files: readonly string[];
}

export interface ConfigReloaderOptions {
  readonly balancer: Balancer;
  /** Reads and validates the configuration as `ccb serve` did at startup (same file, same flags). */
  readonly load: () => Promise<LoadedFiles>;
  /** What was loaded at startup. */
  readonly initial: LoadedFiles;
  readonly output: Pick<Output, 'info' | 'warn' | 'error' | 'debug'>;
  /** What startup was allowed (`--allow-unauthenticated`, `--allow-open-admin`): a reload is held to the same. */
  readonly listenSafety?: ListenSafetyOptions;
  /** New secrets of a reloaded configuration, for the log scrubber. */
  readonly onSecrets?: (secrets: readonly string[]) => void;
  /** Every reload's report, whatever asked for it (for `GET /admin/events`). */
  readonly onReload?: (report: ReloadReport, trigger: string) => void;
  readonly now?: () => number;
}

/** Reloads the configuration on demand (SIGHUP, `POST /admin/reload`), on file changes, and after persisting. */
export interface ConfigReloader extends AdminControl {
  /** Reloads now. Reloads never overlap: one asked for while another runs waits, then reads the files again. */
  reload(trigger?: string): Promise<ReloadReport>;
  /** Watches the configuration's files and reloads when their contents change (`serve --reload`). */
  watch(): void;
  /** Stops watching. */
  close(): void;
}

export function createConfigReloader(options: ConfigReloaderOptions): ConfigReloader {
  const { balancer, output } = options;
  const now = options.now ?? Date.now;
  let loaded = options.initial;
  let loadedAtInMs = now();
  // Keyed like key fingerprints: the hash covers the secrets too, and /metrics readers must not test guesses on it.
  const hashOf = (config: Config) => balancer.keyFingerprint(configHash(config));
  let hash = hashOf(balancer.config);
  let prices = priceFileDigest(loaded);
  // Taken synchronously, at once: a digest read later could already include an edit the watcher is about to report.
  let contents = filesDigest(watched(loaded));
  let queue: Promise<unknown> = Promise.resolve();
  let watcher: { close(): void; files: string } | undefined;
  let watching = false;
  balancer.metrics?.configLoaded(hash, loadedAtInMs);

  const count = (result: ConfigReloadResult) => balancer.metrics?.configReloaded(result);

  const rejected = (trigger: string, errors: readonly string[]): ReloadReport => {
    count('rejected');
    output.error(
      `config reload (${trigger}) rejected, the running configuration stays:\n  ${errors.join('\n  ')}`,
    );
    return { result: 'rejected', changes: [], restartRequired: [], errors, hash, loadedAtInMs };
  };

  async function reloadNow(trigger: string): Promise<ReloadReport> {
    // Digested before reading: an edit landing while the files are read then shows as one more change (one more
    // reload), never as "nothing new".
    let nextContents = filesDigest(watched(loaded));
    let next: LoadedFiles;
    try {
      next = await options.load();
    } catch (error) {
      return rejected(trigger, describeFailure(error).lines);
    }
    if (JSON.stringify(watched(next)) !== JSON.stringify(watched(loaded)))
      nextContents = filesDigest(watched(next));
    const { config, kept } = keepRestartOnly(next.config, balancer.config);
    let warnings: string[];
    try {
      // What startup refuses, a reload refuses: no reload may open the proxy or shorten keys beyond loopback.
      warnings = checkListenSafety(config, options.listenSafety ?? {});
    } catch (error) {
      return rejected(trigger, describeFailure(error).lines);
    }
    const nextPrices = priceFileDigest(next);
    const changes = diffConfigs(balancer.config, config).map((change) => change.summary);
    // The config names the price file; its contents are only in the digest.
    if (
      nextPrices !== prices &&
      config.pricing.file !== undefined &&
      config.pricing.file === balancer.config.pricing.file
    ) {
      changes.push(`pricing.file: the prices in ${config.pricing.file} changed`);
    }
    const restartRequired = kept.map(
      (path) => `${path}: changed in the file; needs a restart (the running value stays)`,
    );
    if (changes.length === 0) {
      loaded = next;
      contents = nextContents;
      rewatch();
      count('unchanged');
      if (restartRequired.length > 0)
        output.warn(`config reload (${trigger}): ${restartRequired.join('; ')}`);
      else output.info(`config reload (${trigger}): no changes`);
      return { result: 'unchanged', changes, restartRequired, errors: [], hash, loadedAtInMs };
    }
    // Before the swap: a secret is scrubbed from the first line that could hold it (an unused one does no harm).
    options.onSecrets?.(configSecrets(config));
    try {
      const { retired, drained } = balancer.reconfigure(config);
      if (retired.length > 0) {
        drained.then(
          () => output.info(`providers drained and their connections closed: ${retired.join(', ')}`),
          () => {},
        );
      }
    } catch (error) {
      return rejected(trigger, describeFailure(error).lines);
    }
    loaded = next;
    loadedAtInMs = now();
    hash = hashOf(config);
    contents = nextContents;
    prices = nextPrices;
    rewatch();
    count('applied');
    balancer.metrics?.configLoaded(hash, loadedAtInMs);
    output.info(`config reloaded (${trigger}):\n  ${[...changes, ...restartRequired].join('\n  ')}`);
    for (const warning of warnings) output.warn(warning);
    return { result: 'applied', changes, restartRequired, errors: [], hash, loadedAtInMs };
  }

  function reload(trigger = 'request'): Promise<ReloadReport> {
    const run = queue.then(() => reloadNow(trigger));
    run.then((report) => options.onReload?.(report, trigger)).catch(() => {});
    queue = run.catch(() => {});
    return run;
  }

  /** A change event whose files hold what was last loaded (our own persist, an editor's touch) is no reload. */
  async function onFileChange(): Promise<void> {
    const run = queue.then(() => filesDigest(watched(loaded)) !== contents);
    queue = run.catch(() => {});
    if (await run) await reload('file changed');
    else output.debug({ files: watched(loaded) }, 'config files changed but hold what is loaded: no reload');
  }

  function rewatch(): void {
    if (!watching) return;
    const files = JSON.stringify(watched(loaded));
    if (watcher?.files === files) return;
    try {
      // The new watch first: if it cannot start, the old one keeps watching.
      const handle = watchConfigFiles(
        watched(loaded),
        () => {
          onFileChange().catch((error: unknown) =>
            output.error(`config reload failed: ${(error as Error).message}`),
          );
        },
        {
          onError: (error) =>
            output.warn(
              `config files are no longer watched (${error.message}); reload with SIGHUP or POST /admin/reload`,
            ),
        },
      );
      watcher?.close();
      watcher = { close: () => handle.close(), files };
    } catch (error) {
      output.warn(
        `cannot watch the config files (${(error as Error).message}); reload with SIGHUP or POST /admin/reload`,
      );
    }
  }

  return {
    reload,
    async persist(provider: string, patch: ProviderPatch) {
      const path = loaded.path;
      if (path === undefined)
        throw new Error('ccb runs without a config file: there is nothing to persist to');
      const run = queue.then(async () => {
        await persistProviderChange(path, provider, patch);
        // Read back as the watcher would, so its event for this write finds nothing new.
        return reloadNow(`provider ${provider} persisted`);
      });
      queue = run.catch(() => {});
      const report = await run;
      if (report.result === 'rejected')
        throw new Error(`the persisted file was rejected: ${report.errors.join('; ')}`);
    },
    watch() {
      watching = true;
      rewatch();
    },
    close() {
      watching = false;
      watcher?.close();
      watcher = undefined;
    },
  };
}

/** A digest of the price file a configuration names (`undefined` without one), to notice new prices in it. */
function priceFileDigest(loaded: LoadedFiles): string | undefined {
  const file = loaded.config.pricing.file;
  if (file === undefined) return undefined;
  return filesDigest([resolve(loaded.path === undefined ? process.cwd() : dirname(loaded.path), file)]);
}

/**
 * The files a reload depends on, and the `.env` files that would join them if created (beside the config file and
 * in the working directory): a key moved into a new `.env` must be noticed too.
 */
function watched(loaded: LoadedFiles): string[] {
  const candidates = [
    ...(loaded.path !== undefined ? [join(dirname(loaded.path), '.env')] : []),
    join(process.cwd(), '.env'),
  ];
  return [...new Set([...loaded.files, ...candidates])];
}

/**
 * A digest of the files' contents (a missing file counts as empty), to tell a real change from a touch or from ccb's
 * own write. Read synchronously: a few small files, and no edit can slip in between reading and hashing.
 */
function filesDigest(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file);
    hash.update('\0');
    try {
      hash.update(readFileSync(file));
    } catch {
      // Missing (an .env not created yet) or unreadable: the load itself says what is wrong with it.
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}
