/**
 * Failover for a cluster: stock Colyseus 0.16 keeps a killed (`kill -9`) process's rooms
 * listed for seconds or for good. Every process here renews a short-lived "alive" key in
 * presence and sweeps the room list: rooms of a process whose key has expired are removed
 * from the driver and the process from the stats, so no join or new room goes there.
 */
import { matchMaker, type MatchMakerDriver, type Presence } from "@colyseus/core";
import type { Logger } from "./logger";

const aliveKey = (processId: string) => `lingualeap:alive:${processId}`;

/** Whether a process of the cluster still beats (its key has not expired). */
export function isProcessAlive(presence: Presence, processId: string): Promise<boolean> {
  return presence.exists(aliveKey(processId));
}

export interface WatchOptions {
  /** How often this process renews its key and sweeps. */
  beatMs: number;
  /** Lifetime of the key: a process silent this long counts as dead. */
  ttlSeconds: number;
}

export const DEFAULT_WATCH: WatchOptions = { beatMs: 250, ttlSeconds: 1 };

export class ProcessWatch {
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly presence: Presence,
    private readonly driver: MatchMakerDriver,
    private readonly log: Logger,
    private readonly opts: WatchOptions = DEFAULT_WATCH,
  ) {}

  /** Starts beating before the process takes rooms, so it is never swept as dead. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.tick(), this.opts.beatMs);
    this.timer.unref();
  }

  /** Stops beating (call after draining: the process stays alive for the others until then). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    try {
      await this.presence.del(aliveKey(matchMaker.processId));
    } catch {
      // Presence already closed: the key expires by itself within ttlSeconds.
    }
  }

  private async beat(): Promise<void> {
    await this.presence.setex(aliveKey(matchMaker.processId), "1", this.opts.ttlSeconds);
  }

  private async tick(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.beat();
      await this.sweep();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "cluster: heartbeat or sweep failed");
    } finally {
      this.sweeping = false;
    }
  }

  /** Removes the rooms and stats of processes whose key expired. */
  private async sweep(): Promise<void> {
    const rooms = await this.driver.query({});
    const others = new Set(rooms.map((r) => r.processId).filter((id) => id && id !== matchMaker.processId));
    for (const processId of others) {
      if (await isProcessAlive(this.presence, processId)) continue;
      await this.driver.cleanup?.(processId);
      await matchMaker.stats.excludeProcess(processId);
      this.log.warn({ processId }, "cluster: a process stopped answering; its rooms are no longer offered");
    }
  }
}
