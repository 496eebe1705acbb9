/**
 * Stores an account's tokens only when they are not older than what Redis holds (a later `expiresAt`; absent counts
 * as never expiring), then publishes that they changed. For seeding and for pushing a new login from a token file:
 * a stale token file must never replace a peer's newer refresh. A refresh under the lock writes unconditionally.
 * Returns the value that stays: `ARGV[1]` when stored, else the current one (the caller adopts it).
 * KEYS[1] tokens key; ARGV: value (JSON), expiresAt ('' for none), channel, message.
 */
export const pushTokensScript = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and type(decoded.accessToken) == 'string' then
    local stored = tonumber(decoded.expiresAt) or math.huge
    local incoming = tonumber(ARGV[2]) or math.huge
    if incoming <= stored then return current end
  end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return ARGV[1]
`;

/**
 * Stores tokens a refresh under the lock produced, whatever Redis holds (the refresher read it under the lock; a
 * conditional write could keep a spent refresh token when clocks differ between hosts), and publishes the change.
 * KEYS[1] tokens key; ARGV: value (JSON), channel, message.
 */
export const writeTokensScript = `
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;

/**
 * Releases the refresh lock only for its holder (compare-and-delete: a holder whose lock expired must not delete
 * the next holder's), then wakes the waiters. KEYS[1] lock key; ARGV: holder's nonce, channel, message.
 */
export const releaseLockScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
`;
