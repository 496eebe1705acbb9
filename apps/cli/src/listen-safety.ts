import type { Config } from '@ccb/config';
import { CliError } from './cli-error.js';
import { isLoopback } from './is-loopback.js';

/** Keys clients present to ccb shorter than this can be guessed: a warning on loopback, refused beyond it. */
export const minClientKeyLength = 16;

export interface ListenSafetyOptions {
  /** Serve on a non-loopback address without client keys (`--allow-unauthenticated`). */
  readonly allowUnauthenticated?: boolean;
  /** With no admin key, answer `/metrics` and `/admin/*` beyond loopback too (`--allow-open-admin`). */
  readonly allowOpenAdmin?: boolean;
}

const howToGenerate = 'use random keys of 16 characters or more, e.g. `openssl rand -hex 24`';

/**
 * Refuses a configuration that would expose ccb to the network unprotected: beyond loopback, no client keys (an
 * open proxy spending the provider keys), or a key short enough to guess. Returns warnings for what is only risky:
 * short keys on loopback, and `/metrics` and `/admin/*` open beyond loopback (`--allow-open-admin` without
 * `auth.admin_key`). Without an admin key and that flag, the admin routes answer loopback clients only.
 */
export function checkListenSafety(config: Config, options: ListenSafetyOptions = {}): string[] {
  const { host } = config.server;
  const { api_keys: clientKeys, admin_key: adminKeys } = config.auth;
  const beyondLoopback = !isLoopback(host);
  if (beyondLoopback && clientKeys.length === 0 && options.allowUnauthenticated !== true) {
    throw new CliError(
      `refusing to listen on ${host} without client keys: anyone who can reach it could spend your provider keys. ` +
        'Set auth.api_keys in the config, bind to 127.0.0.1, or pass --allow-unauthenticated if the network is trusted.',
    );
  }
  const short = [
    ...clientKeys.map((key, index) => ({ path: `auth.api_keys[${index}]`, length: key.length })),
    // One admin key is usually written as one string: name it as written.
    ...adminKeys.map((key, index) => ({
      path: adminKeys.length === 1 ? 'auth.admin_key' : `auth.admin_key[${index}]`,
      length: key.length,
    })),
  ].filter((key) => key.length < minClientKeyLength);
  if (short.length > 0 && beyondLoopback) {
    const named = short.map((key) => `${key.path} (${key.length} characters)`).join(', ');
    throw new CliError(
      `refusing to listen on ${host} with keys shorter than ${minClientKeyLength} characters: ${named}; anyone who ` +
        `can reach it could guess them. ${capitalise(howToGenerate)}, or bind to 127.0.0.1.`,
    );
  }
  const warnings = short.map(
    (key) =>
      `${key.path} is ${key.length} characters: a key under ${minClientKeyLength} characters can be guessed, and ` +
      `ccb refuses it when listening beyond loopback; ${howToGenerate}`,
  );
  if (beyondLoopback && adminKeys.length === 0 && options.allowOpenAdmin === true) {
    warnings.push(
      `/metrics and /admin/* answer anyone who can reach ${host} (--allow-open-admin without auth.admin_key): ` +
        'usage per key and provider controls are open to them; set auth.admin_key unless the network is trusted',
    );
  }
  return warnings;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
