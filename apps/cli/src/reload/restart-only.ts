import type { Config } from '@ccb/config';

/**
 * Settings a running ccb cannot change: where it listens, how it logs, the metrics registry, the ledger (its file is
 * open), the secret keying fingerprints (the ledger's and budgets' key ids depend on it) and the state store (the
 * router's stores are chosen once). A reload that changes
 * them reports each as needing a restart and keeps its running value.
 */
export const restartOnlyPaths = [
  'server.host',
  'server.port',
  'server.log_level',
  'server.log_format',
  'server.log_bodies',
  'server.metrics',
  'ledger',
  'auth.fingerprint_secret',
  'state',
] as const;

/** `next` with every restart-only setting taken from `running`, and the paths whose value differed. */
export function keepRestartOnly(next: Config, running: Config): { config: Config; kept: string[] } {
  const kept: string[] = [];
  const differs = (left: unknown, right: unknown) => JSON.stringify(left) !== JSON.stringify(right);
  const server = { ...next.server };
  for (const field of ['host', 'port', 'log_level', 'log_format', 'log_bodies', 'metrics'] as const) {
    if (differs(server[field], running.server[field])) {
      kept.push(`server.${field}`);
      (server as Record<string, unknown>)[field] = running.server[field];
    }
  }
  const auth = { ...next.auth };
  if (differs(auth.fingerprint_secret, running.auth.fingerprint_secret)) {
    kept.push('auth.fingerprint_secret');
    if (running.auth.fingerprint_secret === undefined) delete auth.fingerprint_secret;
    else auth.fingerprint_secret = running.auth.fingerprint_secret;
  }
  if (differs(next.ledger, running.ledger)) kept.push('ledger');
  if (differs(next.state, running.state)) kept.push('state');
  return { config: { ...next, server, auth, ledger: running.ledger, state: running.state }, kept };
}
