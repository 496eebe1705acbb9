import type { ProviderPatch } from '@ccb/admin-api';
import type { ReloadReport } from '../reload/reload-report.js';

/** What the admin API asks of the process beyond the balancer: reloading the configuration and writing to it. */
export interface AdminControl {
  /** Reads the configuration files again and applies them (`POST /admin/reload`). */
  reload(trigger?: string): Promise<ReloadReport>;
  /** Writes `patch` into the provider's entry in the config file, keeping the rest of it, then reloads. */
  persist(provider: string, patch: ProviderPatch): Promise<void>;
}
