import { z } from 'zod';

/** An RFC 3339 UTC timestamp as `Date.prototype.toISOString` writes it (`2026-12-06T10:00:00.000Z`). */
export const isoTimestamp = z.iso.datetime().meta({ description: 'An RFC 3339 timestamp in UTC.' });

/** A timestamp, or `null` when there is none. */
export const nullableTimestamp = isoTimestamp.nullable();

/** A count: an integer >= 0. */
export const count = z.number().int().min(0);

/** A fraction from 0 to 1. */
export const fraction = z.number().min(0).max(1);

/** ms epoch to the wire's ISO timestamp; `null` stays `null`. */
export function isoOrNull(atInMs: number | null): string | null {
  return atInMs === null ? null : new Date(atInMs).toISOString();
}
