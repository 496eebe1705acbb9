const dayInMs = 86_400_000;

/** The UTC calendar day and month around one instant, all in ms since the epoch (ends exclusive). */
export interface UtcWindows {
  readonly dayStartMs: number;
  readonly dayEndMs: number;
  readonly monthStartMs: number;
  readonly monthEndMs: number;
}

/** The UTC day and month that contain `timeMs`. */
export function utcWindows(timeMs: number): UtcWindows {
  const dayStartMs = Math.floor(timeMs / dayInMs) * dayInMs;
  const date = new Date(dayStartMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    dayStartMs,
    dayEndMs: dayStartMs + dayInMs,
    monthStartMs: Date.UTC(year, month, 1),
    monthEndMs: Date.UTC(year, month + 1, 1),
  };
}
