let cachedSecond = -1;
let cachedPrefix = '';

/**
 * `new Date(ms).toISOString()`, with the part up to the seconds built once per second: every request line carries a
 * timestamp, and formatting a date costs more than the rest of the line's header.
 */
export function isoTime(ms: number = Date.now()): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    // "2026-11-29T17:14:52." (the first 20 characters); years beyond 9999 would not fit and are not cached.
    const iso = new Date(second * 1000).toISOString();
    if (iso.length !== 24) {
      cachedSecond = -1;
      return new Date(ms).toISOString();
    }
    cachedPrefix = iso.slice(0, 20);
  }
  const millis = ms - second * 1000;
  return `${cachedPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
