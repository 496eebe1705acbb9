import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { ProviderError } from '../provider-error.js';
import { acquireTokenFileLock } from './_token-file-lock.js';
import type { OAuthTokens } from './oauth-tokens.js';
import { defaultTokenRequestTimeoutInMs } from './token-endpoint.js';

/**
 * The token file on disk (written by `ccb login`, rewritten on every refresh): snake_case JSON like the token
 * endpoint's answer, times as ISO 8601. Unknown fields are tolerated so a newer ccb's file still loads.
 */
export const tokenFileSchema = z.object({
  /** Empty when the file only seeds a refresh token. */
  access_token: z.string(),
  refresh_token: z.string().min(1).optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
  scope: z.string().optional(),
  updated_at: z.iso.datetime({ offset: true }).optional(),
});

/** The token file's JSON shape. See {@link tokenFileSchema}. */
export type TokenFileContent = z.infer<typeof tokenFileSchema>;

/** Options of {@link writeTokenFile}. */
export interface WriteTokenFileOptions {
  /** Clock for `updated_at`, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Take the token file's lock for the write, as a refresh does, so that a login never lands in the middle of a
   * running ccb's refresh (whose write would then replace the new login's tokens). The wait is bounded: a lock
   * older than a token request's timeout is a crashed holder's and is taken over. Default false (a refresher
   * already holds the lock).
   */
  readonly exclusive?: boolean;
}

/**
 * Reads a token file.
 * @returns the tokens, or `undefined` when the file does not exist
 * @throws ProviderError `CCB_PROVIDER_TOKEN_FILE_INVALID` when it cannot be read or is not a token file; the
 *   message names the file and the bad fields, never their values
 */
export async function readTokenFile(path: string): Promise<OAuthTokens | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalidTokenFile(
      path,
      `it cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      cause,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // No cause: V8's JSON syntax errors quote the text around the error, which holds the tokens.
    throw invalidTokenFile(path, 'it is not valid JSON');
  }
  const parsed = tokenFileSchema.safeParse(json);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
    throw invalidTokenFile(path, `these fields are missing or malformed: ${fields.join(', ')}`);
  }
  const content = parsed.data;
  if (content.access_token === '' && content.refresh_token === undefined) {
    throw invalidTokenFile(path, 'it holds neither an access_token nor a refresh_token');
  }
  const tokens: OAuthTokens = { accessToken: content.access_token };
  if (content.refresh_token !== undefined) tokens.refreshToken = content.refresh_token;
  if (content.expires_at !== undefined) tokens.expiresAt = Date.parse(content.expires_at);
  if (content.scope !== undefined) tokens.scope = content.scope;
  return tokens;
}

/**
 * Writes a token file atomically with mode 0600: a temporary file in the same directory (created 0600, so the
 * tokens are never readable by others, not even briefly), fsync, then rename over the old file, so a reader (another
 * ccb process) sees the old or the new file, never half of one, and a crash never loses the rotated refresh token.
 * @throws ProviderError `CCB_PROVIDER_TOKEN_FILE_WRITE_FAILED` naming the file and the system error code
 */
export async function writeTokenFile(
  path: string,
  tokens: OAuthTokens,
  options: WriteTokenFileOptions = {},
): Promise<void> {
  const now = options.now ?? Date.now;
  if (options.exclusive === true) {
    const lock = await acquireTokenFileLock(path, {
      staleAfterInMs: defaultTokenRequestTimeoutInMs,
      waitInMs: defaultTokenRequestTimeoutInMs + 5_000,
      now,
    });
    try {
      await writeTokenFile(path, tokens, { now });
    } finally {
      await lock?.release();
    }
    return;
  }
  const content: TokenFileContent = { access_token: tokens.accessToken };
  if (tokens.refreshToken !== undefined) content.refresh_token = tokens.refreshToken;
  if (tokens.expiresAt !== undefined) content.expires_at = new Date(tokens.expiresAt).toISOString();
  if (tokens.scope !== undefined) content.scope = tokens.scope;
  content.updated_at = new Date(now()).toISOString();
  const temporaryPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporaryPath, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryPath, path);
  } catch (cause) {
    await unlink(temporaryPath).catch(() => undefined);
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new ProviderError(
      'CCB_PROVIDER_TOKEN_FILE_WRITE_FAILED',
      `Cannot write the OAuth token file ${path} (${code}): check that its directory exists and is writable.`,
      { cause },
    );
  }
}

function invalidTokenFile(path: string, problem: string, cause?: unknown): ProviderError {
  return new ProviderError(
    'CCB_PROVIDER_TOKEN_FILE_INVALID',
    `The OAuth token file ${path} is unusable: ${problem}. Run ccb login for its provider to write a new one.`,
    { cause },
  );
}
