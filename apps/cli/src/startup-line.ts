import type { Config } from '@ccb/config';

/**
 * The one line a serving ccb starts with: where it listens, which config it read, and where each enabled provider
 * sends requests (with the keys in that config). Running `ccb serve` in a folder whose `ccb.yaml` or `config.yaml`
 * someone else wrote therefore cannot send a key elsewhere unseen. `configSource` is the file's path, or what
 * stands in for one (`none, $ANTHROPIC_API_KEY to api.anthropic.com`).
 */
export function startupLine(url: string, config: Config, configSource: string): string {
  const providers = config.providers
    .filter((provider) => provider.enabled)
    .map((provider) => `${provider.name} (${new URL(provider.base_url).host})`);
  return `ccb listening on ${url} · config: ${configSource} · providers: ${providers.join(', ')} · strategy: ${config.routing.strategy}`;
}
