import type { Config } from '@ccb/config';
import { CliError } from './cli-error.js';
import { type Balancer, type ComposeOptions, composeBalancer } from './compose.js';
import { describeRouterEvent } from './describe-router-event.js';
import { isLoopback } from './is-loopback.js';
import type { Output } from './output.js';

export interface RunBalancerOptions extends ComposeOptions {
  readonly output: Output;
  /** Serve on a non-loopback address without client keys. */
  readonly allowUnauthenticated?: boolean;
  /** Exit the process on SIGINT/SIGTERM after a graceful shutdown. Default true. */
  readonly handleSignals?: boolean;
}

export interface RunningBalancer extends Balancer {
  readonly url: string;
  /** Graceful shutdown: stops accepting, lets in-flight requests finish within `server.shutdown_grace`. */
  stop(): Promise<void>;
}

/** Composes the balancer, refuses unsafe binds, listens, and announces itself in one line. */
export async function runBalancer(config: Config, options: RunBalancerOptions): Promise<RunningBalancer> {
  const { output } = options;
  if (!isLoopback(config.server.host) && config.auth.api_keys.length === 0 && !options.allowUnauthenticated) {
    throw new CliError(
      `refusing to listen on ${config.server.host} without client keys: anyone who can reach it could spend your provider keys. ` +
        'Set auth.api_keys in the config, bind to 127.0.0.1, or pass --allow-unauthenticated if the network is trusted.',
    );
  }
  const balancer = composeBalancer(config, {
    onWarning: (message) => output.warn(message),
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
  });
  if (balancer.costs.ledgerUnavailable !== undefined) {
    output.warn(
      `ledger off: ${balancer.costs.ledgerUnavailable} Serving goes on; ccb usage and /admin/usage need the ledger.`,
    );
  }
  const address = await balancer.start();
  const enabled = config.providers.filter((provider) => provider.enabled).map((provider) => provider.name);
  // The one startup line stays visible at log level warn, so quiet deployments still say where they listen.
  const announce = config.server.log_level === 'warn' ? output.warn : output.success;
  announce(
    `ccb listening on ${address.url} · providers: ${enabled.join(', ')} · strategy: ${config.routing.strategy}`,
  );
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= balancer.close().finally(() => output.close());
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
  }
  return { ...balancer, url: address.url, stop };
}
