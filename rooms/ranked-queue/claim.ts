import type { Presence } from "@colyseus/core";
import { createHash } from "node:crypto";
import type Redis from "ioredis";

/** A claim lives this long unless its queue renews it (the queue does every couple of seconds). */
export const CLAIM_TTL_SECONDS = 6;

const countKey = (userId: string) => `lingualeap:queued:${userId}`;
const ownerKey = (userId: string) => `lingualeap:queued-by:${userId}`;

/** A learner's one place in any ranked queue (QueueClaims on presence, RedisClaims on the cluster's Redis). */
export interface Claims {
  /** Claims the learner's place; false when a live queue holds it. */
  take(userId: string): Promise<boolean>;
  /** Keeps the claims of learners still waiting. */
  renew(userIds: string[]): Promise<void>;
  release(userId: string): Promise<void>;
}

/**
 * A learner's one place in any ranked queue, cluster-wide: a counter in presence (the first
 * to raise it holds the claim) plus the holding process. A claim whose process died is
 * taken over at once instead of blocking the learner until it expires.
 */
export class QueueClaims implements Claims {
  constructor(
    private readonly presence: Presence,
    private readonly processId: string,
    /** Whether a process (by id) is still alive in the cluster (a service: the server knows how). */
    private readonly isAlive: (processId: string) => Promise<boolean>,
  ) {}

  /** Claims the learner's place; false when a live queue holds it. */
  async take(userId: string): Promise<boolean> {
    if (await this.tryTake(userId)) return true;
    const owner = await this.presence.get(ownerKey(userId));
    // No owner yet: another take is half-way through; it wins.
    if (!owner || owner === this.processId || (await this.isAlive(owner))) return false;
    await this.presence.del(countKey(userId));
    return this.tryTake(userId);
  }

  /** Keeps the claims of learners still waiting. */
  async renew(userIds: string[]): Promise<void> {
    await Promise.all(userIds.flatMap((id) => [this.presence.expire(countKey(id), CLAIM_TTL_SECONDS), this.presence.expire(ownerKey(id), CLAIM_TTL_SECONDS)]));
  }

  async release(userId: string): Promise<void> {
    await Promise.all([this.presence.del(countKey(userId)), this.presence.del(ownerKey(userId))]);
  }

  private async tryTake(userId: string): Promise<boolean> {
    if ((await this.presence.incr(countKey(userId))) !== 1) return false;
    await Promise.all([this.presence.expire(countKey(userId), CLAIM_TTL_SECONDS), this.presence.setex(ownerKey(userId), this.processId, CLAIM_TTL_SECONDS)]);
    return true;
  }
}

const claimKey = (userId: string) => `lingualeap:ranked-claim:${userId}`;
/** KEYS[1] the claim; ARGV: this process, the lifetime (s). Returns 1 when taken, else the holder. */
const TAKE_LUA = `if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return 1 end
return redis.call('GET', KEYS[1]) or 0`;
/** KEYS[1] the claim; ARGV[1] the holder it must still have. Deletes it only then. */
const DROP_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The same claims on the cluster's Redis in one command each: one key per learner holding
 * the process that has the place (SET NX EX in a script that also says who holds it), so a
 * queue join costs one round trip instead of three, and a leave one instead of two. Only the
 * holder's release removes it; a dead holder's claim is dropped at once by the next taker.
 */
export class RedisClaims implements Claims {
  constructor(
    private readonly redis: Redis,
    /** This process's id (read when needed: the matchmaker sets it once the server starts). */
    private readonly processId: () => string,
    private readonly isAlive: (processId: string) => Promise<boolean>,
  ) {}

  async take(userId: string): Promise<boolean> {
    const me = this.processId();
    const holder = await this.script(TAKE_LUA, claimKey(userId), me, String(CLAIM_TTL_SECONDS));
    if (holder === 1) return true;
    // A holder of 0: the claim lapsed between SET and GET; the learner's next try will tell.
    if (typeof holder !== "string" || holder === me || (await this.isAlive(holder))) return false;
    await this.script(DROP_LUA, claimKey(userId), holder);
    return (await this.script(TAKE_LUA, claimKey(userId), me, String(CLAIM_TTL_SECONDS))) === 1;
  }

  async renew(userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    const batch = this.redis.pipeline();
    for (const id of userIds) batch.expire(claimKey(id), CLAIM_TTL_SECONDS);
    await batch.exec();
  }

  async release(userId: string): Promise<void> {
    await this.script(DROP_LUA, claimKey(userId), this.processId());
  }

  private async script(lua: string, key: string, ...args: string[]): Promise<unknown> {
    const sha = SHAS.get(lua)!;
    try {
      return await this.redis.evalsha(sha, 1, key, ...args);
    } catch (err) {
      if (!/NOSCRIPT/.test((err as Error).message)) throw err;
      return this.redis.eval(lua, 1, key, ...args);
    }
  }
}

const SHAS = new Map([TAKE_LUA, DROP_LUA].map((lua) => [lua, createHash("sha1").update(lua).digest("hex")]));
