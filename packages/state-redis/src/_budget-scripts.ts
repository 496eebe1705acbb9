/**
 * Budget counters in Redis, one hash per counter and window (`<prefix>budget:<counter>:<windowStart>`): settled spend
 * `usd` and `tokens`, reserved `rusd` and `rtokens`, each reservation's amounts as `r:<id>` = `"<usd> <tokens>"`, and
 * a version `v` bumped by every write so that replicas keep the newest totals. A sorted set beside it (`…:r`) orders
 * the reservations by expiry. Both expire after the window. Each script is one atomic step across every instance,
 * and publishes the totals it leaves on `<prefix>budget` so that every replica learns them without a round trip.
 */

/** Shared by both scripts: release expired reservations, read totals, and publish. */
const helpers = `
local function purge(hash, zset, now)
  local expired = redis.call('ZRANGEBYSCORE', zset, '-inf', now)
  for _, member in ipairs(expired) do
    local held = redis.call('HGET', hash, 'r:' .. member)
    if held then
      local usd, tokens = string.match(held, '^(%S+) (%S+)$')
      redis.call('HINCRBYFLOAT', hash, 'rusd', -tonumber(usd))
      redis.call('HINCRBYFLOAT', hash, 'rtokens', -tonumber(tokens))
      redis.call('HDEL', hash, 'r:' .. member)
    end
    redis.call('ZREM', zset, member)
  end
end

local function totals(hash)
  local values = redis.call('HMGET', hash, 'usd', 'tokens', 'rusd', 'rtokens', 'v')
  return {
    tonumber(values[1]) or 0, tonumber(values[2]) or 0,
    math.max(0, tonumber(values[3]) or 0), math.max(0, tonumber(values[4]) or 0), tonumber(values[5]) or 0
  }
end

-- Lua numbers would reach the client as truncated integers: totals travel as strings.
local function encode(hash)
  local t = totals(hash)
  return { hash, tostring(t[1]), tostring(t[2]), tostring(t[3]), tostring(t[4]), tostring(t[5]) }
end
`;

/**
 * Takes every hold or none. KEYS: hash and sorted set of each hold. ARGV: now, id, expiresAt, channel, then per hold
 * usd, tokens, limitUsd (`''`: none), limitTokens (`''`: none), the key's expiry (ms epoch).
 * Returns `{ refusedHold (-1: granted), hash, usd, tokens, rusd, rtokens, version, … }`.
 */
export const reserveScript = `${helpers}
local now = tonumber(ARGV[1])
local id = ARGV[2]
local holds = #KEYS / 2
local refused = -1
for i = 1, holds do
  local hash, zset = KEYS[2 * i - 1], KEYS[2 * i]
  purge(hash, zset, now)
  local base = 4 + (i - 1) * 5
  local t = totals(hash)
  local limitUsd, limitTokens = ARGV[base + 3], ARGV[base + 4]
  if refused < 0 and ((limitUsd ~= '' and t[1] + t[3] >= tonumber(limitUsd))
      or (limitTokens ~= '' and t[2] + t[4] >= tonumber(limitTokens))) then
    refused = i - 1
  end
end
local reply = { refused }
for i = 1, holds do
  local hash, zset = KEYS[2 * i - 1], KEYS[2 * i]
  local base = 4 + (i - 1) * 5
  if refused < 0 then
    redis.call('HINCRBYFLOAT', hash, 'rusd', ARGV[base + 1])
    redis.call('HINCRBYFLOAT', hash, 'rtokens', ARGV[base + 2])
    redis.call('HSET', hash, 'r:' .. id, ARGV[base + 1] .. ' ' .. ARGV[base + 2])
    redis.call('HINCRBY', hash, 'v', 1)
    redis.call('ZADD', zset, ARGV[3], id)
    redis.call('PEXPIREAT', hash, ARGV[base + 5])
    redis.call('PEXPIREAT', zset, ARGV[base + 5])
  end
  for _, value in ipairs(encode(hash)) do table.insert(reply, value) end
end
if refused < 0 then redis.call('PUBLISH', ARGV[4], cjson.encode(reply)) end
return reply
`;

/**
 * Releases a reservation and adds spend. KEYS: hash and sorted set of each reserved hold, then the hash of each
 * spend. ARGV: id (`''`: none), number of reserved holds, channel, then per spend usd, tokens, the key's expiry.
 * Returns `{ -1, hash, usd, tokens, rusd, rtokens, version, … }` for every key touched.
 */
export const settleScript = `${helpers}
local id = ARGV[1]
local held = tonumber(ARGV[2])
local reply = { -1 }
for i = 1, held do
  local hash, zset = KEYS[2 * i - 1], KEYS[2 * i]
  local amounts = id ~= '' and redis.call('HGET', hash, 'r:' .. id)
  if amounts then
    local usd, tokens = string.match(amounts, '^(%S+) (%S+)$')
    redis.call('HINCRBYFLOAT', hash, 'rusd', -tonumber(usd))
    redis.call('HINCRBYFLOAT', hash, 'rtokens', -tonumber(tokens))
    redis.call('HDEL', hash, 'r:' .. id)
    redis.call('HINCRBY', hash, 'v', 1)
  end
  if id ~= '' then redis.call('ZREM', zset, id) end
  for _, value in ipairs(encode(hash)) do table.insert(reply, value) end
end
for j = 1, #KEYS - 2 * held do
  local hash = KEYS[2 * held + j]
  local base = 3 + (j - 1) * 3
  redis.call('HINCRBYFLOAT', hash, 'usd', ARGV[base + 1])
  redis.call('HINCRBYFLOAT', hash, 'tokens', ARGV[base + 2])
  redis.call('HINCRBY', hash, 'v', 1)
  redis.call('PEXPIREAT', hash, ARGV[base + 3])
  for _, value in ipairs(encode(hash)) do table.insert(reply, value) end
end
redis.call('PUBLISH', ARGV[3], cjson.encode(reply))
return reply
`;

/**
 * Raises settled spend to at least the given amounts, never lowering it: spend read back from the ledger, for a
 * Redis that lost its counters (restarted without persistence). Every instance may send it: the highest wins, once.
 * KEYS: the hash of each amount. ARGV: channel, then per amount usd, tokens, the key's expiry.
 * Returns `{ -1, hash, usd, tokens, rusd, rtokens, version, … }`; publishes only when something rose.
 */
export const raiseScript = `${helpers}
local reply = { -1 }
local raised = false
for j = 1, #KEYS do
  local hash = KEYS[j]
  local base = 1 + (j - 1) * 3
  local t = totals(hash)
  local rose = false
  if tonumber(ARGV[base + 1]) > t[1] then redis.call('HSET', hash, 'usd', ARGV[base + 1]); rose = true end
  if tonumber(ARGV[base + 2]) > t[2] then redis.call('HSET', hash, 'tokens', ARGV[base + 2]); rose = true end
  if rose then
    redis.call('HINCRBY', hash, 'v', 1)
    redis.call('PEXPIREAT', hash, ARGV[base + 3])
    raised = true
  end
  for _, value in ipairs(encode(hash)) do table.insert(reply, value) end
end
if raised then redis.call('PUBLISH', ARGV[1], cjson.encode(reply)) end
return reply
`;
