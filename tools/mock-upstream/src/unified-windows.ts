// Subscription ("unified") rate-limit windows as the Messages API reports them to OAuth callers (protocol §7;
// undocumented, read from Claude Code's source and relays).

const fiveHourInMs = 5 * 60 * 60 * 1000;
const sevenDayInMs = 7 * 24 * 60 * 60 * 1000;
/** Utilization from which a window reports `allowed_warning` (Claude Code warns between 0.25 and 0.9). */
const warningUtilization = 0.8;

/** One window's state: a fraction used (1 or more = exhausted) and when it resets. */
export interface UnifiedWindow {
  /** Fraction of the window used; 1 or more exhausts it (the API reports e.g. `1.01`). */
  utilization: number;
  /** When the window resets, in ms since the epoch; a window whose reset has passed starts again at 0. */
  resetAt: number;
}

/** A change to one window: `utilization`, and optionally a new `resetAt` (ms since the epoch). */
export interface UnifiedWindowUpdate {
  readonly utilization?: number;
  readonly resetAt?: number;
}

/** Both windows of one account, as {@link UnifiedWindows.setUsage} takes and reports them. */
export interface UnifiedUsage {
  readonly fiveHour: UnifiedWindow;
  readonly sevenDay: UnifiedWindow;
}

/** What the Messages endpoints say about an account's windows at one moment. */
export interface UnifiedVerdict {
  /** True when a window is exhausted: the request gets 429 `rate_limit_error`. */
  readonly rejected: boolean;
  /** `anthropic-ratelimit-unified-*` headers, lower-case. */
  readonly headers: Record<string, string>;
}

type WindowStatus = 'allowed' | 'allowed_warning' | 'rejected';

function statusOf(window: UnifiedWindow): WindowStatus {
  if (window.utilization >= 1) return 'rejected';
  return window.utilization >= warningUtilization ? 'allowed_warning' : 'allowed';
}

function epochSeconds(timeInMs: number): string {
  return String(Math.ceil(timeInMs / 1000));
}

/** The 5-hour and 7-day windows of one subscription account, on the mock's clock. */
export interface UnifiedWindows {
  /** The windows now: a window whose reset has passed is rolled over (utilization 0, a new reset). */
  current(): UnifiedUsage;
  /** Sets utilization and/or reset of either window; returns the result. */
  setUsage(update: { fiveHour?: UnifiedWindowUpdate; sevenDay?: UnifiedWindowUpdate }): UnifiedUsage;
  /** The verdict and headers for a request arriving now. */
  verdict(): UnifiedVerdict;
}

/** Creates fresh windows (utilization 0, resets one window length after `now()`). */
export function createUnifiedWindows(now: () => number): UnifiedWindows {
  const startedAt = now();
  const fiveHour: UnifiedWindow = { utilization: 0, resetAt: startedAt + fiveHourInMs };
  const sevenDay: UnifiedWindow = { utilization: 0, resetAt: startedAt + sevenDayInMs };

  function roll(window: UnifiedWindow, lengthInMs: number, at: number): void {
    if (at < window.resetAt) return;
    window.utilization = 0;
    window.resetAt = at + lengthInMs;
  }

  function current(): UnifiedUsage {
    const at = now();
    roll(fiveHour, fiveHourInMs, at);
    roll(sevenDay, sevenDayInMs, at);
    return { fiveHour: { ...fiveHour }, sevenDay: { ...sevenDay } };
  }

  return {
    current,
    setUsage(update) {
      current();
      for (const [window, change] of [
        [fiveHour, update.fiveHour],
        [sevenDay, update.sevenDay],
      ] as const) {
        if (change?.utilization !== undefined) window.utilization = change.utilization;
        if (change?.resetAt !== undefined) window.resetAt = change.resetAt;
      }
      return { fiveHour: { ...fiveHour }, sevenDay: { ...sevenDay } };
    },
    verdict() {
      const usage = current();
      const windows = [
        { claim: 'five_hour', prefix: '5h', window: usage.fiveHour, status: statusOf(usage.fiveHour) },
        { claim: 'seven_day', prefix: '7d', window: usage.sevenDay, status: statusOf(usage.sevenDay) },
      ];
      const rejected = windows.filter((entry) => entry.status === 'rejected');
      // The binding window: among exhausted ones the latest reset (nothing is served before it), else the fullest.
      const representative =
        rejected.length > 0
          ? rejected.reduce((latest, entry) =>
              entry.window.resetAt > latest.window.resetAt ? entry : latest,
            )
          : windows.reduce((fullest, entry) =>
              entry.window.utilization > fullest.window.utilization ? entry : fullest,
            );
      const status: WindowStatus =
        rejected.length > 0
          ? 'rejected'
          : windows.some((entry) => entry.status === 'allowed_warning')
            ? 'allowed_warning'
            : 'allowed';
      const headers: Record<string, string> = {
        'anthropic-ratelimit-unified-status': status,
        'anthropic-ratelimit-unified-reset': epochSeconds(representative.window.resetAt),
        'anthropic-ratelimit-unified-representative-claim': representative.claim,
        'anthropic-ratelimit-unified-fallback': 'available',
      };
      for (const entry of windows) {
        const prefix = `anthropic-ratelimit-unified-${entry.prefix}`;
        headers[`${prefix}-status`] = entry.status;
        headers[`${prefix}-utilization`] = String(entry.window.utilization);
        headers[`${prefix}-reset`] = epochSeconds(entry.window.resetAt);
        if (entry.status !== 'allowed') headers[`${prefix}-surpassed-threshold`] = String(warningUtilization);
      }
      return { rejected: rejected.length > 0, headers };
    },
  };
}
