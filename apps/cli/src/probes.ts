import type { Config } from '@ccb/config';
import { createProbeScheduler, type ProbeScheduler, type Router } from '@ccb/router';
import { probeProvider } from './probe-provider.js';
import type { ProviderGeneration } from './reload/provider-set.js';

/** The background health probes, restarted when a reload changes what or how they probe. */
export interface Probes {
  /** Probes the enabled providers of `config` as `health.probe` says (none when off); restarts only on a change. */
  update(config: Config, providers: ProviderGeneration): void;
  /** Stops probing; resolves when the probes in flight settled. */
  stop(): Promise<void>;
}

export function createProbes(router: Pick<Router, 'reportProbe'>): Probes {
  // `state.providers` is swapped by every reload, so a probe always uses the provider in force.
  let running:
    | { scheduler: ProbeScheduler; key: string; state: { providers: ProviderGeneration } }
    | undefined;
  let stopping: Promise<void> = Promise.resolve();
  return {
    update(config, providers) {
      const probe = config.health.probe;
      const targets =
        probe.enabled && config.health.enabled
          ? config.providers.filter((provider) => provider.enabled).map((provider) => provider.name)
          : [];
      // A provider rebuilt by the reload (new key or address) must be probed with its new settings.
      const key = JSON.stringify([probe, targets, targets.map((name) => providers.byName.get(name)?.origin)]);
      if (running?.key === key && targets.every((name) => providers.byName.get(name) !== undefined)) {
        running.state.providers = providers;
        return;
      }
      const previous = running?.scheduler;
      running = undefined;
      if (previous !== undefined) stopping = Promise.all([stopping, previous.stop()]).then(() => {});
      if (targets.length === 0) return;
      const state = { providers };
      const scheduler = createProbeScheduler({
        targets,
        intervalInMs: probe.interval,
        probe: (name, signal) => {
          const provider = state.providers.byName.get(name);
          if (provider === undefined) return Promise.resolve(false);
          return probeProvider(provider, probe.kind, { signal, timeoutInMs: probe.timeout });
        },
        onResult: router.reportProbe,
      });
      running = { scheduler, key, state };
      scheduler.start();
    },
    async stop() {
      const last = running?.scheduler;
      running = undefined;
      await Promise.all([stopping, last?.stop()]);
    },
  };
}
