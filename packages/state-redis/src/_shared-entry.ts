/**
 * One replicated value with what orders it against others: `stamp` (ms epoch of the change, strictly increasing
 * per field on the writer) and `until` (the end of the period the value imposes, e.g. a cool-down, or `null`).
 * Stored in Redis as `stamp|until|payload` (`-1` for no `until`), so that a Lua script can order two values
 * without decoding the payload.
 */
export interface SharedEntry {
  readonly stamp: number;
  readonly until: number | null;
  /** The value as JSON text. */
  readonly payload: string;
}

/**
 * Whether `incoming` replaces `current`: it is newer, except that a newer period that ends sooner does not cut a
 * longer one still running when it was stamped (two instances benching a provider at once keep the longer bench,
 * as one instance's tracker would). A value without a period (a close, a reset, a clear) always wins when newer.
 * Equal stamps keep `current`: Redis, which sees every write in one order, arbitrates those. `mergeScript` is the
 * same rule in Lua.
 */
export function supersedes(current: SharedEntry | undefined, incoming: SharedEntry): boolean {
  if (current === undefined) return true;
  if (incoming.stamp <= current.stamp) return false;
  if (
    incoming.until !== null &&
    current.until !== null &&
    current.until > incoming.stamp &&
    incoming.until < current.until
  ) {
    return false;
  }
  return true;
}

/** `stamp|until|payload`. */
export function encodeEntry(entry: SharedEntry): string {
  return `${entry.stamp}|${entry.until ?? -1}|${entry.payload}`;
}

/** The entry of `encodeEntry`'s text, or `undefined` for text that is not one (another program's key). */
export function decodeEntry(text: string): SharedEntry | undefined {
  const first = text.indexOf('|');
  const second = first < 0 ? -1 : text.indexOf('|', first + 1);
  if (second < 0) return undefined;
  const stamp = Number(text.slice(0, first));
  const until = Number(text.slice(first + 1, second));
  if (!Number.isFinite(stamp) || !Number.isFinite(until)) return undefined;
  return { stamp, until: until < 0 ? null : until, payload: text.slice(second + 1) };
}

/**
 * Read-modify-write of one hash field as one script: keeps the stored value unless the incoming one
 * {@link supersedes} it, and publishes what it stored. Returns `nil` when it stored the value, else the value that
 * stays (the writer adopts it).
 * KEYS[1] hash; ARGV: field, stamp, until (-1: none), payload, channel, origin.
 */
export const mergeScript = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local stamp = tonumber(ARGV[2])
local untilAt = tonumber(ARGV[3])
if current then
  local s, u = string.match(current, '^(%-?%d+)|(%-?%d+)|')
  s = tonumber(s)
  u = tonumber(u)
  if s ~= nil and u ~= nil then
    if stamp <= s then return current end
    if untilAt >= 0 and u >= 0 and u > stamp and untilAt < u then return current end
  end
end
local value = ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4]
redis.call('HSET', KEYS[1], ARGV[1], value)
redis.call('PUBLISH', ARGV[5], cjson.encode({o = ARGV[6], f = ARGV[1], v = value}))
return false
`;
