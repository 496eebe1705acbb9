import type { IncomingMessage } from 'node:http';
import { missingKeyFingerprint } from '@ccb/proxy';
import type { AuthScope } from '@ccb/telemetry';

/** Says when requests are refused for their key, without letting a flood of them flood the log. */
export interface RejectionLog {
  /** A request refused for its key: `fingerprint` of the key it sent (`none` without one), never the key. */
  rejected(scope: AuthScope, fingerprint: string, request: IncomingMessage): void;
  /** Says what was counted but not logged, and ends the window: at shutdown. */
  flush(): void;
}

export interface RejectionLogOptions {
  readonly warn: (message: string) => void;
  /** One line per key and scope per window; later refusals are counted and summed up when it ends. Default 60 s. */
  readonly windowInMs?: number;
  /**
   * Distinct keys logged one by one per window; refusals of further keys are only counted. Bounds both the lines
   * and the memory a client sending random keys can cause. Default 20.
   */
  readonly maxKeysPerWindow?: number;
}

/** Keys named in a summary line; the rest are summed up as "others". */
const maxKeysInSummary = 10;
/** A path is logged up to this many characters: it comes from the client. */
const maxPathLength = 120;

/**
 * The log of refused keys. The first refusal of a key (by scope and fingerprint) in a window is logged at once with
 * where it came from; the following ones are counted, and one line sums them up when the window ends (an unref'd
 * timer, armed only while a window is open) or at `flush()`. At most `maxKeysPerWindow` + 1 lines per window,
 * whatever a client sends.
 */
export function createRejectionLog(options: RejectionLogOptions): RejectionLog {
  const windowInMs = options.windowInMs ?? 60_000;
  const maxKeysPerWindow = options.maxKeysPerWindow ?? 20;
  /** Refusals not logged one by one in this window, by `scope fingerprint`. */
  let unlogged = new Map<string, number>();
  let unloggedKeys = 0;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const counts = [...unlogged].filter(([, count]) => count > 0).sort((left, right) => right[1] - left[1]);
    const total = counts.reduce((sum, [, count]) => sum + count, 0) + unloggedKeys;
    if (total > 0) {
      const named = counts.slice(0, maxKeysInSummary).map(([key, count]) => `${key} ×${count}`);
      const others = total - counts.slice(0, maxKeysInSummary).reduce((sum, [, count]) => sum + count, 0);
      if (others > 0) named.push(`other keys ×${others}`);
      options.warn(
        `auth: ${total} more ${total === 1 ? 'refusal' : 'refusals'} within ${describeWindow(windowInMs)}, not logged one by one: ${named.join(', ')}`,
      );
    }
    unlogged = new Map();
    unloggedKeys = 0;
  };

  return {
    rejected(scope, fingerprint, request) {
      if (timer === undefined) {
        timer = setTimeout(flush, windowInMs);
        timer.unref();
      }
      const key = `${scope} ${fingerprint}`;
      const seen = unlogged.get(key);
      if (seen !== undefined) {
        unlogged.set(key, seen + 1);
        return;
      }
      if (unlogged.size >= maxKeysPerWindow) {
        unloggedKeys += 1;
        return;
      }
      unlogged.set(key, 0);
      const what =
        fingerprint === missingKeyFingerprint
          ? `${scope} key none (no key sent)`
          : `${scope} key ${fingerprint}`;
      options.warn(
        `auth: refused ${what} for ${request.method ?? 'GET'} ${pathOf(request)} from ${request.socket.remoteAddress ?? 'unknown'}; further refusals of it are counted for ${describeWindow(windowInMs)}, then summed up`,
      );
    },
    flush,
  };
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  return path.length > maxPathLength ? `${path.slice(0, maxPathLength)}…` : path;
}

function describeWindow(windowInMs: number): string {
  if (windowInMs % 60_000 !== 0) return `${windowInMs / 1000} s`;
  return windowInMs === 60_000 ? '1 minute' : `${windowInMs / 60_000} minutes`;
}
