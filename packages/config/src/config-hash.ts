import { createHash } from 'node:crypto';
import { canonicalJson } from './_canonical-json.js';
import type { Config } from './schema/config-schema.js';

/**
 * A short, stable identity of a resolved configuration: the first 16 hex digits (64 bits) of the SHA-256 of its
 * canonical JSON (keys sorted), for a metric label such as `ccb_config_info{hash}` and for telling whether two
 * replicas run the same configuration. Equal configurations give equal hashes whatever their key order.
 *
 * Secrets count, so rotating a key changes the hash; they cannot be read back from it: a 64-bit digest of the
 * whole configuration answers nothing about a key that is not already known but for a few guessable characters.
 */
export function configHash(config: Config): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}
