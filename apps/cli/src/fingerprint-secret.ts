import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '@ccb/config';
import { CliError } from './cli-error.js';
import { ledgerPath } from './open-ledger.js';

/** Where the secret keying client-key fingerprints came from, and anything worth telling the operator. */
export interface FingerprintSecret {
  readonly secret: string | Buffer;
  /**
   * `config`: `auth.fingerprint_secret`; `file`: the key file beside the ledger; `process`: random for this process
   * (no key is configured, or nothing durable to keep the secret beside: fingerprints change at every start).
   */
  readonly source: 'config' | 'file' | 'process';
  /** The key file, for `file`. */
  readonly path?: string;
  /** The key file was created by this call. */
  readonly created?: boolean;
  /** Something to fix, e.g. a key file others can read. */
  readonly warning?: string;
}

/** The key file's name, in the ledger's folder. */
export const fingerprintKeyFileName = 'ccb-fingerprint.key';

/** 32 random bytes, written as 64 hex digits and a newline. */
const keyBytes = 32;
const keyFilePattern = /^[0-9a-f]{64}\s*$/;

/**
 * The secret for `createKeyFingerprint`: `auth.fingerprint_secret` when set; else, when client keys are configured
 * and the ledger is kept in a file, `ccb-fingerprint.key` beside it, generated on first use; else 32
 * random bytes for this process. The file sits with the ledger because the ledger's `client_key_id`s and the
 * budgets read back from it are only worth keeping under the secret that made them.
 */
export function loadFingerprintSecret(config: Config, baseDir: string): FingerprintSecret {
  const configured = config.auth.fingerprint_secret;
  if (configured !== undefined) return { secret: configured, source: 'config' };
  // Only client keys have fingerprints worth keeping (ledger rows, budgets); a refused admin key is only logged.
  const needed = config.auth.api_keys.length > 0;
  const ledgerFile = config.ledger.enabled ? ledgerPath(config.ledger, baseDir) : ':memory:';
  if (!needed || ledgerFile === ':memory:') return { secret: randomBytes(keyBytes), source: 'process' };
  return readOrCreateKeyFile(join(dirname(ledgerFile), fingerprintKeyFileName));
}

/** Reads the key file, or creates it atomically: whole or not at all, and never over another process's. */
export function readOrCreateKeyFile(path: string): FingerprintSecret {
  const existing = readKeyFile(path);
  if (existing !== undefined) return existing;
  mkdirSync(dirname(path), { recursive: true });
  // Written in full under a temporary name, then linked into place: link() fails if the name exists, so two ccbs
  // starting at once agree on one key, and a crash never leaves a half-written one.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  let created = false;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(keyBytes).toString('hex')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temporary, path);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } catch (error) {
    throw new CliError(
      `cannot create ${path}, the secret keying client-key fingerprints: ${(error as Error).message}. ` +
        'Make its folder (the ledger folder) writable, or set auth.fingerprint_secret.',
      { cause: error },
    );
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // Not there: the open failed before creating it.
    }
  }
  const secret = readKeyFile(path) as FingerprintSecret;
  return { ...secret, created };
}

function readKeyFile(path: string): FingerprintSecret | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!keyFilePattern.test(text)) {
    throw new CliError(
      `${path} is not a fingerprint key (64 hex digits). Restore it from a backup, or delete it to generate a new ` +
        'one: client keys then get new fingerprints in logs, the ledger and budgets.',
    );
  }
  const mode = statSync(path).mode & 0o777;
  // POSIX permissions only: Windows reports every file as 0o666 or so.
  const exposed = process.platform !== 'win32' && (mode & 0o077) !== 0;
  return {
    secret: Buffer.from(text.trim(), 'hex'),
    source: 'file',
    path,
    ...(exposed
      ? {
          warning: `${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); with it, short client keys could be guessed from their fingerprints: chmod 600 ${path}`,
        }
      : {}),
  };
}
