import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `text` so that a reader (or a crash) sees the old file or the new one, never a mix: a temporary
 * file in the same folder (a rename across file systems is not atomic) with `mode` and, where permitted, the given
 * owner, written and fsynced, then renamed over `path`, then the folder fsynced so the rename itself is durable.
 * The temporary name starts with `.` and ends in `.tmp`, so watchers filtering by the file's name ignore it.
 */
export async function writeFileAtomically(
  path: string,
  text: string,
  options: { mode: number; uid: number; gid: number },
): Promise<void> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', options.mode);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      // open() applied the umask: set the original mode exactly.
      await handle.chmod(options.mode);
      await handle.chown(options.uid, options.gid).catch(() => {
        // Only root may give a file away; otherwise the writer owns the new file, as with any editor's save.
      });
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(folder);
}

async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some systems (Windows) cannot open or fsync a folder; the rename has happened all the same.
  }
}
