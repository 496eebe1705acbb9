/**
 * Shared by both writes: `incoming` (decoded) gets `superseded`, the SHA-1s of the last 8 refresh tokens the stored
 * tokens replaced, so that a token file still holding one of them (a host that missed a rotation) is known as stale
 * whatever its expiry says (expiries are computed on each host's clock).
 */
const supersede = `
local function supersede(incoming, decoded)
  local spent = {}
  if type(decoded) == 'table' then
    if type(decoded.refreshToken) == 'string' and decoded.refreshToken ~= incoming.refreshToken then
      table.insert(spent, redis.sha1hex(decoded.refreshToken))
    end
    if type(decoded.superseded) == 'table' then
      for _, hash in ipairs(decoded.superseded) do
        if #spent < 8 and type(hash) == 'string' then table.insert(spent, hash) end
      end
    end
  end
  if #spent > 0 then incoming.superseded = spent end
  return cjson.encode(incoming)
end
`;

/**
 * Stores an account's tokens only when they are newer than what Redis holds: their refresh token is not one Redis
 * has seen replaced, and they expire later (absent counts as never expiring). For seeding and for pushing a new login
 * from a token file: a stale token file must never replace a peer's newer refresh. Publishes the change. Returns the
 * value that stays: the stored one when it was stored, else the current one (the caller adopts it).
 * KEYS[1] tokens key; ARGV: value (JSON), channel, message.
 */
export const pushTokensScript = `${supersede}
local incoming = cjson.decode(ARGV[1])
local current = redis.call('GET', KEYS[1])
local decoded = nil
if current then
  local ok, value = pcall(cjson.decode, current)
  if ok and type(value) == 'table' and type(value.accessToken) == 'string' then
    decoded = value
    if type(incoming.refreshToken) == 'string' and type(decoded.superseded) == 'table' then
      local hash = redis.sha1hex(incoming.refreshToken)
      for _, spent in ipairs(decoded.superseded) do
        if spent == hash then return current end
      end
    end
    local stored = tonumber(decoded.expiresAt) or math.huge
    local offered = tonumber(incoming.expiresAt) or math.huge
    if offered <= stored then return current end
  end
end
local value = supersede(incoming, decoded)
redis.call('SET', KEYS[1], value)
redis.call('PUBLISH', ARGV[2], ARGV[3])
return value
`;

/**
 * Stores tokens a refresh under the lock produced, whatever Redis holds (the refresher read it under the lock; a
 * conditional write could keep a spent refresh token when clocks differ between hosts), and publishes the change.
 * KEYS[1] tokens key; ARGV: value (JSON), channel, message.
 */
export const writeTokensScript = `${supersede}
local incoming = cjson.decode(ARGV[1])
local current = redis.call('GET', KEYS[1])
local decoded = nil
if current then
  local ok, value = pcall(cjson.decode, current)
  if ok then decoded = value end
end
redis.call('SET', KEYS[1], supersede(incoming, decoded))
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
