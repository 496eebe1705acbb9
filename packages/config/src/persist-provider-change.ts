import { constants } from 'node:fs';
import { access, readFile, realpath, stat } from 'node:fs/promises';
import { editProviderYaml, type ProviderPatch } from './_edit-provider-yaml.js';
import { isMissing, readError } from './_fs-errors.js';
import { writeFileAtomically } from './_write-file-atomically.js';
import { ConfigError } from './config-error.js';

export type { ProviderPatch } from './_edit-provider-yaml.js';

/** Changes in flight per file, so two changes to one file queue rather than one overwriting the other's. */
const pendingByFile = new Map<string, Promise<unknown>>();

/**
 * Writes a runtime change of one provider (`weight`, `priority`, `enabled`) back to the YAML config `file`, keeping
 * every other byte as it was: comments and their alignment, key order, quoting, blank lines. A present key gets its
 * value replaced in place (a `${VAR}` there is replaced by the literal value); an absent one is added as one line of the
 * provider's mapping. The values are checked with the provider schema first, and the edited text is parsed again
 * and must differ from the original only in the changed values.
 *
 * The file is replaced atomically (see below) with its mode (and owner, where the process may set it); a symbolic
 * link is followed and its target replaced. Changes to one file from this process are applied one after another.
 * Returns the text written, so the caller can recognise its own write when its file watcher reports it. An empty
 * patch writes nothing and returns the file's text.
 *
 * @throws {ConfigError} `CCB_CONFIG_PERSIST_UNKNOWN_PROVIDER`, `CCB_CONFIG_PERSIST_NOT_WRITABLE` (read-only file, or
 *   a file or folder this process may not write), `CCB_CONFIG_PERSIST_UNSUPPORTED` (`providers` not a plain YAML list
 *   of mappings, or a value shared through an anchor), `CCB_CONFIG_INVALID` (a value the schema refuses, or no
 *   provider left enabled), `CCB_CONFIG_YAML`, `CCB_CONFIG_NOT_FOUND`, `CCB_CONFIG_READ`.
 */
export async function persistProviderChange(
  file: string,
  provider: string,
  patch: ProviderPatch,
): Promise<{ text: string }> {
  const target = await resolveTarget(file);
  const previous = pendingByFile.get(target) ?? Promise.resolve();
  const change = previous.catch(() => {}).then(() => writeChange(target, provider, patch));
  pendingByFile.set(target, change);
  try {
    return await change;
  } finally {
    if (pendingByFile.get(target) === change) pendingByFile.delete(target);
  }
}

async function resolveTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch (error) {
    if (!isMissing(error)) throw readError(file, error);
    throw new ConfigError({
      code: 'CCB_CONFIG_NOT_FOUND',
      source: file,
      issues: [{ path: '', message: 'does not exist, so the change cannot be written to it' }],
    });
  }
}

async function writeChange(file: string, provider: string, patch: ProviderPatch): Promise<{ text: string }> {
  let text: string;
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    [text, stats] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
  } catch (error) {
    throw readError(file, error);
  }
  const edited = editProviderYaml(text, provider, patch, file);
  if (edited === text) return { text };
  // The rename below would replace a read-only file as long as its folder is writable: honour the file's mode.
  if ((stats.mode & 0o222) === 0) {
    throw notWritable(
      file,
      `is read-only (mode ${(stats.mode & 0o777).toString(8)}); make it writable to save changes`,
    );
  }
  try {
    await access(file, constants.W_OK);
    await writeFileAtomically(file, edited, { mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid });
  } catch (error) {
    throw notWritable(
      file,
      `cannot be written: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
  return { text: edited };
}

function notWritable(file: string, message: string, cause?: unknown): ConfigError {
  return new ConfigError({
    code: 'CCB_CONFIG_PERSIST_NOT_WRITABLE',
    source: file,
    issues: [{ path: '', message }],
    cause,
  });
}
