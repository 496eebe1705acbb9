/**
 * Read-modify-write of one session binding as one script. A binding is `boundAt|expiresAt|provider` under its own
 * key with Redis's own expiry. The later binding wins (a move is newer than what it replaced); the same binding
 * with a later expiry extends it (a use). Publishes what it stored; returns `nil` when it stored, else the value
 * that stays (the writer adopts it).
 * KEYS[1] binding key; ARGV: boundAt, expiresAt, provider, ttlInMs, channel, origin, session key.
 */
export const bindScript = `
local current = redis.call('GET', KEYS[1])
local boundAt = tonumber(ARGV[1])
local expiresAt = tonumber(ARGV[2])
if current then
  local b, e = string.match(current, '^(%d+)|(%d+)|')
  b = tonumber(b)
  e = tonumber(e)
  if b ~= nil and e ~= nil then
    if boundAt < b or (boundAt == b and expiresAt <= e) then return current end
  end
end
local value = ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3]
redis.call('SET', KEYS[1], value, 'PX', ARGV[4])
redis.call('PUBLISH', ARGV[5], cjson.encode({o = ARGV[6], k = ARGV[7], v = value}))
return false
`;

/** One binding as stored and published. */
export interface SharedBinding {
  provider: string;
  boundAt: number;
  expiresAt: number;
}

export function decodeBinding(text: string): SharedBinding | undefined {
  const match = /^(\d+)\|(\d+)\|(.*)$/s.exec(text);
  if (match === null) return undefined;
  return { boundAt: Number(match[1]), expiresAt: Number(match[2]), provider: match[3] as string };
}

/** The same order as {@link bindScript}: whether `incoming` replaces `current`. */
export function bindingSupersedes(current: SharedBinding | undefined, incoming: SharedBinding): boolean {
  if (current === undefined) return true;
  if (incoming.boundAt !== current.boundAt) return incoming.boundAt > current.boundAt;
  return incoming.expiresAt > current.expiresAt;
}
