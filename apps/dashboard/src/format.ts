/** Numbers, times and money as the dashboard writes them: short, unit always said. */

/** A duration: `850 ms`, `30 s`, `4 min 05 s`, `2 h 10 min`, `3 d 4 h`. Negative counts as 0. */
export function formatDuration(durationInMs: number): string {
  const ms = Math.max(0, durationInMs);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${pad(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${pad(minutes % 60)} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Time left until `untilInMs`, rounded up to the second: `29 s`, `now` once it has passed. */
export function formatCountdown(untilInMs: number, nowInMs: number): string {
  const left = untilInMs - nowInMs;
  if (left <= 0) return 'now';
  return formatDuration(Math.ceil(left / 1000) * 1000);
}

/** A wall-clock time in the browser's zone: `14:05`, with the date when it is not today (`Dec 9 00:00`). */
export function formatClock(atInMs: number, nowInMs: number): string {
  const at = new Date(atInMs);
  const now = new Date(nowInMs);
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  if (at.toDateString() === now.toDateString()) return time;
  return `${months[at.getMonth()]} ${at.getDate()} ${time}`;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** US dollars: cents from $1, four decimals below (a request often costs less than a cent). */
export function formatUsd(amount: number | null | undefined): string {
  if (amount === null || amount === undefined) return '—';
  if (amount === 0) return '$0';
  if (Math.abs(amount) < 1) return `$${amount.toFixed(4)}`;
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A count with k/M for thousands and millions: `950`, `12.3k`, `1.65M`. */
export function formatCount(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1000) return String(Math.round(value * 10) / 10);
  if (abs < 1_000_000) return `${trim((value / 1000).toFixed(1))}k`;
  return `${trim((value / 1_000_000).toFixed(2))}M`;
}

/** A fraction as a percentage: `42%`, `0.5%`; `—` for none. */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '—';
  const percent = fraction * 100;
  return `${percent !== 0 && Math.abs(percent) < 1 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** Milliseconds of a latency, or `—`. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 10 ? `${Math.round(ms * 10) / 10} ms` : formatDuration(ms);
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function trim(fixed: string): string {
  return fixed.replace(/\.?0+$/, '');
}
