import type { Config } from '@ccb/config';
import { CliError } from './cli-error.js';
import { isLoopback } from './is-loopback.js';

/** Keys clients present to ccb shorter than this can be guessed: a warning on loopback, refused beyond it. */
export const minClientKeyLength = 16;

export interface ListenSafetyOptions {
  /** Serve on a non-loopback address without client keys (`--allow-unauthenticated`). */
  readonly allowUnauthenticated?: boolean;
  /** Serve on a non-loopback address with client keys but no admin key (`--allow-open-admin`). */
  readonly allowOpenAdmin?: boolean;
}

const howToGenerate = 'use random keys of 16 characters or more, e.g. `openssl rand -hex 24`';

/**
 * Refuses a configuration that would expose ccb to the network unprotected: beyond loopback, no client keys (an
 * open proxy spending the provider keys), client keys but no admin key (`/metrics` and `/admin/*` open), or a key
 * short enough to guess. Returns warnings for what is only risky on loopback (short keys).
 */
export function checkListenSafety(config: Config, options: ListenSafetyOptions = {}): string[] {
  const { host } = config.server;
  const { api_keys: clientKeys, admin_key: adminKey } = config.auth;
  const beyondLoopback = !isLoopback(host);
  if (beyondLoopback && clientKeys.length === 0 && options.allowUnauthenticated !== true) {
    throw new CliError(
      `refusing to listen on ${host} without client keys: anyone who can reach it could spend your provider keys. ` +
        'Set auth.api_keys in the config, bind to 127.0.0.1, or pass --allow-unauthenticated if the network is trusted.',
    );
  }
  if (beyondLoopback && clientKeys.length > 0 && adminKey === undefined && options.allowOpenAdmin !== true) {
    throw new CliError(
      `refusing to listen on ${host} with auth.api_keys but no auth.admin_key: /metrics and /admin/* (usage per key, ` +
        'provider resets) would be open to anyone who can reach it. Set auth.admin_key, bind to 127.0.0.1, or pass ' +
        '--allow-open-admin if the network is trusted.',
    );
  }
  const short = [
    ...clientKeys.map((key, index) => ({ path: `auth.api_keys[${index}]`, length: key.length })),
    ...(adminKey !== undefined ? [{ path: 'auth.admin_key', length: adminKey.length }] : []),
  ].filter((key) => key.length < minClientKeyLength);
  if (short.length > 0 && beyondLoopback) {
    const named = short.map((key) => `${key.path} (${key.length} characters)`).join(', ');
    throw new CliError(
      `refusing to listen on ${host} with keys shorter than ${minClientKeyLength} characters: ${named}; anyone who ` +
        `can reach it could guess them. ${capitalise(howToGenerate)}, or bind to 127.0.0.1.`,
    );
  }
  return short.map(
    (key) =>
      `${key.path} is ${key.length} characters: a key under ${minClientKeyLength} characters can be guessed, and ` +
      `ccb refuses it when listening beyond loopback; ${howToGenerate}`,
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
