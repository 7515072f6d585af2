import type { Presence } from "@colyseus/core";

/** A claim lives this long unless its queue renews it (the queue does every couple of seconds). */
export const CLAIM_TTL_SECONDS = 6;

const countKey = (userId: string) => `lingualeap:queued:${userId}`;
const ownerKey = (userId: string) => `lingualeap:queued-by:${userId}`;

/**
 * A learner's one place in any ranked queue, cluster-wide: a counter in presence (the first
 * to raise it holds the claim) plus the holding process. A claim whose process died is
 * taken over at once instead of blocking the learner until it expires.
 */
export class QueueClaims {
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
