/**
 * Who may take learners now. One answer, read by /readyz and by the matchmaking route alike:
 * not while draining, not while the cluster's Redis is away, not before this process has
 * joined the cluster. It also counts the matchmaking requests in flight, which a drain lets
 * finish before Redis is closed under them, and tells the route whether a room named by id
 * lives on a process that is gone. server/lifecycle.ts opens and closes the gate.
 */
import type { NextFunction, Request, Response } from "express";
import type { IRoomCache } from "colyseus";
import type { ClusterHealth, ProcessWatch } from "./cluster";
import type { HealingRedisDriver } from "./redis";
import { Comeback, withDeadline } from "./waiting";

/** Why this process takes no new learners: the code answered, and a reason for people. */
export interface Unavailable {
  code: "UNAVAILABLE" | "CLUSTER_UNAVAILABLE";
  reason: string;
}


/** The gate to this process's matchmaking and the requests going through it. */
export class MatchmakingGuard {
  /** Set once the matchmaker has joined the cluster (at once without Redis). */
  private joined = false;
  private draining = false;
  /** Matchmaking requests being answered. */
  private active = 0;
  /** Released when the last request in flight is answered. */
  private readonly idle = new Comeback();

  /** @param cluster Redis's health; absent without REDIS_URL. */
  constructor(private readonly cluster?: Pick<ClusterHealth, "isUp" | "isDown">) {}

  /** Matchmaking is open: the cluster has been joined. */
  open(): void {
    this.joined = true;
  }

  /** Shutting down: no new learners from now on. */
  drain(): void {
    this.draining = true;
  }

  /** Why this process takes no new learners now, or undefined when it does. */
  readonly unavailable = (): Unavailable | undefined => {
    if (this.draining) return { code: "UNAVAILABLE", reason: "this server is shutting down; try again" };
    if (this.cluster?.isDown) return { code: "CLUSTER_UNAVAILABLE", reason: "the cluster's Redis cannot be reached: matchmaking is paused; retry shortly" };
    if (!this.joined || (this.cluster && !this.cluster.isUp)) return { code: "UNAVAILABLE", reason: "this server is starting; try again" };
    return undefined;
  };

  /** Express middleware: counts a matchmaking request until its connection closes. */
  readonly count = (_req: Request, res: Response, next: NextFunction): void => {
    this.active += 1;
    res.once("close", () => {
      this.active -= 1;
      if (this.active === 0) this.idle.release();
    });
    next();
  };

  /** Resolves once no matchmaking request is in flight, or at `until` (epoch ms) if some still are. */
  async settled(until: number): Promise<void> {
    if (this.active === 0) return;
    await withDeadline(this.idle.wait(), Math.max(0, until - Date.now())).catch(() => undefined);
  }
}

/**
 * Whether the room with this id is listed but its process is gone (a reconnection to it
 * would wait out Colyseus's remote-call timeout); undefined without a cluster.
 */
export function roomGoneCheck(driver?: HealingRedisDriver, watch?: Pick<ProcessWatch, "reachable">): ((roomId: string) => Promise<boolean>) | undefined {
  if (!driver || !watch) return undefined;
  return async (roomId: string) => {
    const room = (await driver.findOne({ roomId })) as IRoomCache | undefined;
    return room !== undefined && !(await watch.reachable(room));
  };
}
