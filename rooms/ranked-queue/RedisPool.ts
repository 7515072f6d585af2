/**
 * The cluster-wide pool of ranked learners that no process could pair with its own: one
 * Redis sorted set per (language, mode/direction), scored by rating, whose members (JSON)
 * name the queue room that holds the learner's socket. Guarantees:
 *
 * 1. A member is taken at most once: {@link RedisPool.claim} removes every member of a
 *    group in one Lua script, or none, so two processes never pair the same learner.
 * 2. A dead process's learners are never handed out: each queue room renews a key of its own
 *    (ROOM_TTL_MS) every tick; the claim drops a member whose room key has lapsed instead of
 *    taking it. Within that time a kill -9 is caught by the hand-off itself (the taker asks
 *    the holder's room before telling its own learner anything).
 * 3. Nothing here outlives its room: a room that closes removes its members and its key, and
 *    a sweeping count (every queue makes one every ten seconds) drops the members of rooms
 *    whose key lapsed (a process that died), so they do not linger or count as waiting.
 */
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import type { Identity } from "../shared/identity";

/** A room's members count as alive this long after its last beat (a tick renews it). */
export const ROOM_TTL_MS = 3000;

/** A learner in the pool, as another process reads it. */
export interface PoolMember {
  /** The queue room holding the learner's socket. */
  roomId: string;
  sessionId: string;
  rating: number;
  /** When the learner joined the queue (epoch ms): the gap widens from here. */
  since: number;
  identity: Identity;
  /** New each time the learner is listed again, so a hand-off for an older listing is refused. */
  nonce: number;
  /** The duel schema the learner's client has compiled in (its seat carries it). */
  schema?: string;
}

/** A member where it is listed. */
export interface PoolRef {
  key: string;
  member: string;
  roomId: string;
}

/** A member read from the pool: as listed (to take it) and as read. */
export interface Found {
  raw: string;
  member: PoolMember;
}

/** What the queue rooms ask of the pool (absent without Redis: one process pairs alone). */
export interface QueuePool {
  /** The sorted set of one language and mode/direction. */
  keyOf(lang: string, key: string): string;
  /** Renews the room's liveness and lists `adds` (one round trip). */
  beat(roomId: string, adds: readonly { key: string; rating: number; member: string }[]): Promise<void>;
  /** Members of each rating window, closest first is up to the caller; at most `limit` each. */
  find(windows: readonly { key: string; min: number; max: number }[], limit: number): Promise<Found[][]>;
  /**
   * Takes each group whole or not at all. Per group: 0 when taken, else a bit mask of the
   * members that were no longer there (bit i for the i-th), dead rooms' members included.
   */
  claim(groups: readonly (readonly PoolRef[])[]): Promise<number[]>;
  /** Whether each member is still listed. */
  listed(refs: readonly PoolRef[]): Promise<boolean[]>;
  remove(refs: readonly PoolRef[]): Promise<void>;
  /** How many learners these sorted sets list, together (one ZCARD each). */
  size(keys: readonly string[]): Promise<number>;
  /** The same count, dropping first the members of rooms whose key lapsed (it reads every member: now and then). */
  count(keys: readonly string[]): Promise<number>;
  /** The room closed: its liveness key goes. */
  forget(roomId: string): Promise<void>;
}

const POOL_PREFIX = "lingualeap:ranked-pool:";
const ROOM_PREFIX = "lingualeap:ranked-pool-room:";
const roomKey = (roomId: string) => `${ROOM_PREFIX}${roomId}`;

/**
 * KEYS: per member its sorted set then its room key; ARGV: the number of groups, each
 * group's size, then the members in order. Returns one mask per group (see claim).
 */
const CLAIM_LUA = `
local groups = tonumber(ARGV[1])
local at = 0
local out = {}
for g = 1, groups do
  local size = tonumber(ARGV[1 + g])
  local missing, bit = 0, 1
  for j = 1, size do
    local i = at + j
    local member = ARGV[1 + groups + i]
    if not redis.call('ZSCORE', KEYS[2 * i - 1], member) then
      missing = missing + bit
    elseif redis.call('EXISTS', KEYS[2 * i]) == 0 then
      redis.call('ZREM', KEYS[2 * i - 1], member)
      missing = missing + bit
    end
    bit = bit * 2
  end
  if missing == 0 then
    for j = 1, size do
      local i = at + j
      redis.call('ZREM', KEYS[2 * i - 1], ARGV[1 + groups + i])
    end
  end
  out[g] = missing
  at = at + size
end
return out
`;
const CLAIM_SHA = createHash("sha1").update(CLAIM_LUA).digest("hex");

/**
 * KEYS: the sorted sets to count; ARGV[1]: the room key prefix. Drops the members of rooms
 * whose key has lapsed, and unreadable ones; returns how many remain. The room keys are built
 * here, not passed in (who listed is only known from the members): fine on one Redis or
 * Sentinel, not on Redis Cluster.
 */
const COUNT_LUA = `
local total = 0
local alive = {}
for _, key in ipairs(KEYS) do
  for _, member in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local ok, m = pcall(cjson.decode, member)
    local room = ok and type(m) == 'table' and m.roomId
    if type(room) == 'string' then
      if alive[room] == nil then alive[room] = redis.call('EXISTS', ARGV[1] .. room) == 1 end
      if alive[room] then total = total + 1 else redis.call('ZREM', key, member) end
    else
      redis.call('ZREM', key, member)
    end
  end
end
return total
`;

const COUNT_SHA = createHash("sha1").update(COUNT_LUA).digest("hex");

/** Reads a member (one another process wrote); undefined when it is not ours to read. */
function parseMember(raw: string): PoolMember | undefined {
  try {
    const m = JSON.parse(raw) as PoolMember;
    return typeof m?.roomId === "string" && typeof m.sessionId === "string" && Number.isFinite(m.rating) && Number.isFinite(m.since) && typeof m.identity?.userId === "string" ? m : undefined;
  } catch {
    return undefined;
  }
}

/** The pool on the cluster's Redis (our own command client: it fails at once while Redis is away). */
export class RedisPool implements QueuePool {
  constructor(private readonly redis: Redis) {}

  keyOf(lang: string, key: string): string {
    return `${POOL_PREFIX}${lang}:${key}`;
  }

  async beat(roomId: string, adds: readonly { key: string; rating: number; member: string }[]): Promise<void> {
    const batch = this.redis.pipeline().set(roomKey(roomId), "1", "PX", ROOM_TTL_MS);
    for (const a of adds) batch.zadd(a.key, a.rating, a.member);
    await exec(batch);
  }

  async find(windows: readonly { key: string; min: number; max: number }[], limit: number): Promise<Found[][]> {
    if (windows.length === 0) return [];
    const batch = this.redis.pipeline();
    for (const w of windows) batch.zrangebyscore(w.key, w.min, w.max, "LIMIT", 0, limit);
    const answers = await exec(batch);
    return answers.map((members) => (members as string[]).flatMap((raw) => {
      const member = parseMember(raw);
      return member ? [{ raw, member }] : [];
    }));
  }

  async claim(groups: readonly (readonly PoolRef[])[]): Promise<number[]> {
    const live = groups.filter((g) => g.length > 0);
    if (live.length === 0) return groups.map(() => 0);
    const refs = live.flat();
    const keys = refs.flatMap((r) => [r.key, roomKey(r.roomId)]);
    const args = [String(live.length), ...live.map((g) => String(g.length)), ...refs.map((r) => r.member)];
    const masks = (await this.script(CLAIM_LUA, CLAIM_SHA, keys, args)) as number[];
    let at = 0;
    return groups.map((g) => (g.length === 0 ? 0 : Number(masks[at++])));
  }

  async listed(refs: readonly PoolRef[]): Promise<boolean[]> {
    if (refs.length === 0) return [];
    const batch = this.redis.pipeline();
    for (const r of refs) batch.zscore(r.key, r.member);
    return (await exec(batch)).map((score) => score !== null);
  }

  async remove(refs: readonly PoolRef[]): Promise<void> {
    if (refs.length === 0) return;
    const batch = this.redis.pipeline();
    for (const r of refs) batch.zrem(r.key, r.member);
    await exec(batch);
  }

  async size(keys: readonly string[]): Promise<number> {
    const batch = this.redis.pipeline();
    for (const key of keys) batch.zcard(key);
    return (await exec(batch)).reduce((sum: number, n) => sum + Number(n), 0);
  }

  async count(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return Number(await this.script(COUNT_LUA, COUNT_SHA, keys, [ROOM_PREFIX]));
  }

  /** Runs a script by its hash, sending it whole once Redis has forgotten it (a restart, SCRIPT FLUSH). */
  private async script(lua: string, sha: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!/NOSCRIPT/.test((err as Error).message)) throw err;
      return this.redis.eval(lua, keys.length, ...keys, ...args);
    }
  }

  async forget(roomId: string): Promise<void> {
    await this.redis.del(roomKey(roomId));
  }
}

/** A pipeline's answers; the first failed command fails the whole call. */
async function exec(batch: ReturnType<Redis["pipeline"]>): Promise<unknown[]> {
  const answers = (await batch.exec()) ?? [];
  for (const [err] of answers) if (err) throw err;
  return answers.map(([, value]) => value);
}
