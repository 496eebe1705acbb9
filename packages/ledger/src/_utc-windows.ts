const dayInMs = 86_400_000;

/** The UTC calendar day and month around one instant, all in ms since the epoch (ends exclusive). */
export interface UtcWindows {
  readonly dayStartInMs: number;
  readonly dayEndInMs: number;
  readonly monthStartInMs: number;
  readonly monthEndInMs: number;
}

/** The UTC day and month that contain `timeInMs`. */
export function utcWindows(timeInMs: number): UtcWindows {
  const dayStartInMs = Math.floor(timeInMs / dayInMs) * dayInMs;
  const date = new Date(dayStartInMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    dayStartInMs,
    dayEndInMs: dayStartInMs + dayInMs,
    monthStartInMs: Date.UTC(year, month, 1),
    monthEndInMs: Date.UTC(year, month + 1, 1),
  };
}
