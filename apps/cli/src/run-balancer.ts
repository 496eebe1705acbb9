import type { Config } from '@ccb/config';
import type { Balancer } from './balancer.js';
import { type ComposeOptions, composeBalancer } from './compose.js';
import { describeRouterEvent } from './describe-router-event.js';
import type { FingerprintSecret } from './fingerprint-secret.js';
import { checkListenSafety, type ListenSafetyOptions } from './listen-safety.js';
import type { Output } from './output.js';
import { openPostgresLedger } from './postgres-ledger.js';
import { createRejectionLog } from './rejection-log.js';
import { createConfigReloader, type LoadedFiles } from './reload/config-reloader.js';
import type { ReloadReport } from './reload/reload-report.js';
import { openSharedState } from './shared-state/shared-state.js';
import { startupLine } from './startup-line.js';

export interface RunBalancerOptions extends ComposeOptions, ListenSafetyOptions {
  readonly output: Output;
  /**
   * How to read the configuration again (the same file and flags as at startup), for `SIGHUP`, `POST /admin/reload`
   * and `watch`. Without it the configuration cannot be reloaded.
   */
  readonly reload?: {
    readonly load: () => Promise<LoadedFiles>;
    readonly initial: LoadedFiles;
    /** Reload when the configuration's files change (`serve --reload`). */
    readonly watch: boolean;
  };
  /** The config file read, or what stands in for one, for the startup line (`none, $ANTHROPIC_API_KEY to …`). */
  readonly configSource: string;
  /** Exit the process on SIGINT/SIGTERM after a graceful shutdown. Default true. */
  readonly handleSignals?: boolean;
}

export interface RunningBalancer extends Balancer {
  readonly url: string;
  /** Reads the configuration again and applies it; `undefined` when it cannot be reloaded. */
  readonly reload: ((trigger?: string) => Promise<ReloadReport>) | undefined;
  /** Graceful shutdown: stops accepting, lets in-flight requests finish within `server.shutdown_grace`. */
  stop(): Promise<void>;
}

/**
 * Composes the balancer, refuses unsafe binds, listens, and announces itself in one line. Keys refused by the proxy
 * or the admin routes are logged, a line per key and minute at most, by fingerprint.
 */
export async function runBalancer(config: Config, options: RunBalancerOptions): Promise<RunningBalancer> {
  const { output } = options;
  for (const warning of checkListenSafety(config, options)) output.warn(warning);
  const rejections = createRejectionLog({ warn: (message) => output.warn(message) });
  const postgresLedger =
    options.postgresLedger ??
    (await openPostgresLedger(config, {
      onError: (error) => output.warn(`ledger: ${error.message}`),
      onWarning: (message) => output.warn(message),
    }));
  if (postgresLedger !== undefined) {
    output.info(`ledger: Postgres at ${postgresLedger.ledger.location}, shared by every instance using it`);
    if (config.auth.api_keys.length > 0 && config.auth.fingerprint_secret === undefined) {
      output.warn(
        'ledger.url is shared by instances, but auth.fingerprint_secret is unset: each instance keys client-key ' +
          'fingerprints by its own ccb-fingerprint.key, so the same key may be counted under different names. Set ' +
          'auth.fingerprint_secret to the same ${VAR} on every instance.',
      );
    }
  }
  const sharedState = await openSharedState(config, {
    warn: (message) => output.warn(message),
    info: (message) => output.info(message),
  });
  const composeOptions: ComposeOptions = {
    ...(postgresLedger !== undefined ? { postgresLedger } : {}),
    onWarning: (message) => output.warn(message),
    onInfo: (message) => output.info(message),
    ...(sharedState !== undefined ? { sharedState } : {}),
    logLoss: () => output.lostLines(),
    ...options,
    onRequestEnd: (record, costUsd) => {
      output.request(record, costUsd);
      if (record.bodies !== undefined) {
        output.debug(
          {
            request_id: record.requestId,
            request_body: record.bodies.request,
            response_body: record.bodies.response,
          },
          'bodies',
        );
      }
      options.onRequestEnd?.(record, costUsd);
    },
    onRouterEvent: (event) => {
      const { level, message } = describeRouterEvent(event);
      output[level](message);
      options.onRouterEvent?.(event);
    },
    onAuthRejected: (scope, fingerprint, request) => {
      rejections.rejected(scope, fingerprint, request);
      options.onAuthRejected?.(scope, fingerprint, request);
    },
  };
  let balancer: Balancer;
  try {
    balancer = composeBalancer(config, composeOptions);
  } catch (error) {
    // The Postgres pool and the Redis connections opened above would keep the process alive behind a failed start.
    await postgresLedger?.ledger.close().catch(() => {});
    await sharedState?.close().catch(() => {});
    throw error;
  }
  const reloader =
    options.reload === undefined
      ? undefined
      : createConfigReloader({
          balancer,
          load: options.reload.load,
          initial: options.reload.initial,
          output,
          onSecrets: (secrets) => output.addRedactValues(secrets),
          onReload: (report, trigger) => balancer.events.reloaded(report, trigger),
          listenSafety: {
            ...(options.allowUnauthenticated !== undefined
              ? { allowUnauthenticated: options.allowUnauthenticated }
              : {}),
            ...(options.allowOpenAdmin !== undefined ? { allowOpenAdmin: options.allowOpenAdmin } : {}),
          },
        });
  if (reloader !== undefined) balancer.attachControl(reloader);
  announceFingerprintSecret(config, balancer.fingerprintSecret, output);
  if (balancer.costs.ledgerUnavailable !== undefined) {
    output.warn(
      `ledger off: ${balancer.costs.ledgerUnavailable} Serving goes on; ccb usage and /admin/usage need the ledger.`,
    );
  }
  // Signals are handled before the listening line goes out: whoever reads it may signal at once.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    reloader?.close();
    stopping ??= balancer.close().finally(() => {
      rejections.flush();
      return output.close();
    });
    return stopping;
  };
  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping !== undefined) {
        output.warn(`${signal} again: exiting now`);
        process.exit(1);
      }
      output.info(
        `${signal}: finishing in-flight requests (up to ${config.server.shutdown_grace} ms), then exiting`,
      );
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`ccb: shutdown failed: ${(error as Error)?.message ?? String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // SIGHUP reloads (it would otherwise end the process); without a way to reload it is said and ignored.
    process.on('SIGHUP', () => {
      if (stopping !== undefined) return;
      if (reloader === undefined) output.warn('SIGHUP: this ccb cannot reload its configuration; ignored');
      else
        reloader
          .reload('SIGHUP')
          .catch((error: unknown) =>
            output.error(`config reload (SIGHUP) failed: ${(error as Error).message}`),
          );
    });
  }
  const address = await balancer.start();
  // The one startup line stays visible at log level warn, so quiet deployments still say where they listen.
  const announce = config.server.log_level === 'warn' ? output.warn : output.success;
  announce(startupLine(address.url, config, options.configSource));
  if (options.reload?.watch === true && reloader !== undefined) {
    reloader.watch();
    output.info(`watching ${options.reload.initial.files.join(', ') || 'no file'} for changes`);
  }
  return Object.assign(Object.create(balancer) as Balancer, {
    url: address.url,
    stop,
    reload: reloader === undefined ? undefined : (trigger?: string) => reloader.reload(trigger),
  });
}

/** What an operator should know about the secret keying client-key fingerprints. */
function announceFingerprintSecret(config: Config, secret: FingerprintSecret, output: Output): void {
  if (secret.warning !== undefined) output.warn(secret.warning);
  if (secret.created === true) {
    output.info(`created ${secret.path}: the secret keying client-key fingerprints; keep it with the ledger`);
  }
  if (secret.source === 'process' && config.auth.api_keys.length > 0) {
    output.info(
      'client-key fingerprints (logs, metrics, ledger, budgets) change at every start, as the ledger is off or in memory: set auth.fingerprint_secret to keep them',
    );
  }
}
