import { randomBytes } from 'node:crypto';

/** 48 random bits per process: ids from two ccb instances (or restarts) do not collide. */
const processPrefix = `ccb_${randomBytes(6).toString('hex')}_`;
let sequence = 0;

/**
 * A new request id, unique across processes: a random per-process prefix and a counter. Cheaper than a UUID per
 * request (one short string instead of sixteen concatenations), and ids from one process sort by arrival.
 */
export function nextRequestId(): string {
  sequence += 1;
  // Hex, like the UUIDs before: ids stay within [0-9a-f_], which log scrubbing of short test keys never touches.
  return processPrefix + sequence.toString(16);
}
