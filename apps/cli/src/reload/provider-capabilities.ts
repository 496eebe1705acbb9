import type { Config } from '@ccb/config';
import { capabilitiesOfKind, type ProviderCapabilities } from '@ccb/protocol';

type ProviderConfig = Config['providers'][number];

/**
 * A provider's capabilities: its kind's profile with the config's `capabilities:` over it, field by field. The same
 * value goes to the provider (beta filtering, session repair) and to the router (capability filtering, domains).
 */
export function capabilitiesOf(entry: ProviderConfig): ProviderCapabilities {
  const profile = capabilitiesOfKind(entry.kind, entry.name);
  const overrides = entry.capabilities;
  if (overrides === undefined) return profile;
  return Object.freeze({
    betas: overrides.betas ?? profile.betas,
    serverTools: overrides.server_tools ?? profile.serverTools,
    contextManagement: overrides.context_management ?? profile.contextManagement,
    countTokens: overrides.count_tokens ?? profile.countTokens,
    context1m: overrides.context_1m ?? profile.context1m,
    cacheControlLimit: overrides.cache_control_limit ?? profile.cacheControlLimit,
    toolIdPattern: overrides.tool_id_pattern ?? profile.toolIdPattern,
    signatureDomain: overrides.signature_domain ?? profile.signatureDomain,
  });
}
