import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** Options of {@link watchConfigFiles}. */
export interface WatchConfigFilesOptions {
  /** Quiet time after the last event before `onChange` is called: one save is several events. Default 100 ms. */
  debounceInMs?: number;
  /** A folder that can no longer be watched (removed, or the system's watch limit reached). Default: ignored. */
  onError?: (error: Error) => void;
}

/** What {@link watchConfigFiles} returns. */
export interface ConfigFilesWatcher {
  /** Stops watching; pending calls are dropped. Idempotent. */
  close(): void;
}

/**
 * Calls `onChange(file)` when one of `files` is written, replaced, created or removed. Each file's folder is watched
 * rather than the file, because editors save by writing a new file and renaming it over the old one (vim, atomic
 * writes), which a watch on the file itself stops seeing; events are filtered by file name. A file may be missing
 * for a while (between an editor's delete and its write, or not yet created): its folder is what must exist. The
 * events of one save arrive in a burst: each file's burst becomes one call, `debounceInMs` after its last event.
 * `files` are resolved against the working directory; `onChange` receives them as given.
 *
 * @throws if a folder cannot be watched at all (it does not exist, or no permission).
 */
export function watchConfigFiles(
  files: readonly string[],
  onChange: (file: string) => void,
  options: WatchConfigFilesOptions = {},
): ConfigFilesWatcher {
  const debounceInMs = options.debounceInMs ?? 100;
  // folder -> file name -> the file as the caller gave it
  const byFolder = new Map<string, Map<string, string>>();
  for (const file of files) {
    const absolute = resolve(file);
    const names = byFolder.get(dirname(absolute)) ?? new Map<string, string>();
    names.set(basename(absolute), file);
    byFolder.set(dirname(absolute), names);
  }
  const timers = new Map<string, NodeJS.Timeout>();
  const watchers: FSWatcher[] = [];
  let closed = false;
  const schedule = (file: string) => {
    clearTimeout(timers.get(file));
    timers.set(
      file,
      setTimeout(() => {
        timers.delete(file);
        if (!closed) onChange(file);
      }, debounceInMs),
    );
  };
  const close = () => {
    closed = true;
    for (const watcher of watchers) watcher.close();
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  };
  try {
    for (const [folder, names] of byFolder) {
      const watcher = watch(folder, { persistent: true }, (_event, name) => {
        // Some platforms do not say which file changed: any watched file in the folder may have.
        const changed = name === null ? [...names.values()] : [names.get(String(name))];
        for (const file of changed) if (file !== undefined) schedule(file);
      });
      watcher.on('error', (error) => options.onError?.(error));
      watchers.push(watcher);
    }
  } catch (error) {
    close();
    throw error;
  }
  return { close };
}
