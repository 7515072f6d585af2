/**
 * The Lua scripts of the Redis boards (server/store/RedisBoards.ts), one home. Keys of one
 * board share a hash tag (`lb:{global|alltime}:…`); READ also reads the one names hash, as
 * the project runs one Redis primary (with Sentinels), not Redis Cluster.
 *
 * A board's sorted set holds the *negated* score: ZRANGE's order (score ascending, equal
 * scores by member ascending) is then the boards' order everywhere else — score descending,
 * equal scores by userId ascending (boards.ts `before`). ZREVRANGE would break ties by userId
 * descending.
 */

/**
 * Sets rows on one or more boards, in one call (a result touches five). KEYS: the names hash,
 * then z, v, building, tz, tv of each board. ARGV: mode ("live": the board, and its rebuild
 * too while one runs; "tmp": the rebuild only), then for each board: kind ("max": scores only
 * grow, the higher wins; "versioned": the higher version wins), expireAt (epoch ms, 0 =
 * never), the number of rows, and userId, negated score, version, name ("" when written
 * already in this call) for each row.
 */
export const SET_ROWS = `
local function put(z, v, kind, member, score, version)
  if kind == "max" then
    redis.call("ZADD", z, "LT", score, member)
  else
    local known = tonumber(redis.call("HGET", v, member) or "-1")
    if tonumber(version) > known then
      redis.call("ZADD", z, score, member)
      redis.call("HSET", v, member, version)
    end
  end
end
local mode = ARGV[1]
local a = 2
for k = 2, #KEYS, 5 do
  local z, v, building, tz, tv = KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4]
  local kind, expireAt, n = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  local rebuilding = mode == "tmp" or redis.call("EXISTS", building) == 1
  for _ = 1, n do
    local member, score, version, name = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
    a = a + 4
    if mode == "live" then put(z, v, kind, member, score, version) end
    if rebuilding then put(tz, tv, kind, member, score, version) end
    if name ~= "" then redis.call("HSET", KEYS[1], member, name) end
  end
  if mode == "live" and expireAt > 0 then
    for _, key in ipairs({ z, v }) do
      if redis.call("EXISTS", key) == 1 then redis.call("PEXPIREAT", key, expireAt) end
    end
  end
end
return 1
`;

/**
 * Ends a rebuild if this owner still holds it: the rebuilt set replaces the board, which is
 * then marked ready. KEYS: z, v, building, tz, tv, ready. ARGV: owner, marker, expireAt.
 */
export const SWAP = `
if redis.call("GET", KEYS[3]) ~= ARGV[1] then return 0 end
redis.call("DEL", KEYS[1], KEYS[2])
if redis.call("EXISTS", KEYS[4]) == 1 then redis.call("RENAME", KEYS[4], KEYS[1]) end
if redis.call("EXISTS", KEYS[5]) == 1 then redis.call("RENAME", KEYS[5], KEYS[2]) end
redis.call("DEL", KEYS[3])
redis.call("SET", KEYS[6], ARGV[2])
local expireAt = tonumber(ARGV[3])
if expireAt > 0 then
  for _, key in ipairs({ KEYS[1], KEYS[2], KEYS[6] }) do
    if redis.call("EXISTS", key) == 1 then redis.call("PEXPIREAT", key, expireAt) end
  end
end
return 1
`;

/** Renews a rebuild's lock if `owner` holds it. KEYS: building. ARGV: owner, ms. */
export const RENEW = `
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return 1
`;

/**
 * Top rows, or a learner's rows around them, if the board is ready: its marker ("<generation>
 * <Redis run id>") names this database (a board kept through a Redis restart is read while
 * it is rebuilt). KEYS: z, ready, names. ARGV: generation, userId ("" for the top), count
 * (top) or span (around).
 * Returns {0} when the board is not ready (ask MongoDB), {1} when the learner is not on it,
 * else {2, first rank (1-based), userId, negated score, name, …}.
 */
export const READ = `
local marker = redis.call("GET", KEYS[2])
if not marker or string.sub(marker, 1, #ARGV[1] + 1) ~= ARGV[1] .. " " then return { 0 } end
local from, to
if ARGV[2] == "" then
  from, to = 0, tonumber(ARGV[3]) - 1
else
  local rank = redis.call("ZRANK", KEYS[1], ARGV[2])
  if not rank then return { 1 } end
  from, to = math.max(0, rank - tonumber(ARGV[3])), rank + tonumber(ARGV[3])
end
local rows = redis.call("ZRANGE", KEYS[1], from, to, "WITHSCORES")
local out = { 2, from + 1 }
if #rows == 0 then return out end
local ids = {}
for i = 1, #rows, 2 do ids[#ids + 1] = rows[i] end
local names = redis.call("HMGET", KEYS[3], unpack(ids))
for i = 1, #ids do
  out[#out + 1] = ids[i]
  out[#out + 1] = rows[2 * i]
  out[#out + 1] = names[i] or ""
end
return out
`;
