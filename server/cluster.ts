/**
 * Failover for a cluster: stock Colyseus 0.16 keeps a killed (`kill -9`) process's rooms
 * listed for seconds or for good. Every process here renews a short-lived "alive" key in
 * presence and checks the others': rooms of a process whose key has expired are removed
 * from the driver and the process from the stats, so no join or new room goes there.
 *
 * A process whose event loop stalls past the key's life (a saturated CPU) may be taken for
 * dead by the others. Two things keep that from costing its learners: a process is swept
 * only when its key is missing on two sweeps in a row, and a process that finds its own key
 * had lapsed lists its rooms and stats again at once.
 */
import { matchMaker, type MatchMakerDriver, type Presence, type Room } from "@colyseus/core";
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
  /** The rooms living in this process (to list them again after a lapse). */
  private local = new Set<Room>();
  /** Processes whose key was missing at the last sweep. */
  private suspects = new Set<string>();

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
      const lapsed = !(await isProcessAlive(this.presence, matchMaker.processId));
      await this.beat();
      if (lapsed) await this.relist();
      await this.sweep();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "cluster: heartbeat or sweep failed");
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Removes the rooms and stats of processes whose key is missing twice in a row. Every
   * process that ever hosted a room is in the stats (it writes them when it starts), so the
   * small stats hash names the processes to check; the room list, which grows with the
   * rooms, is not read on every beat.
   */
  private async sweep(): Promise<void> {
    const me = matchMaker.processId;
    const others = new Set((await matchMaker.stats.fetchAll()).map((s) => s.processId).filter((id) => id && id !== me));
    const missing = new Set<string>();
    for (const processId of others) {
      if (await isProcessAlive(this.presence, processId)) continue;
      missing.add(processId);
      if (!this.suspects.has(processId)) continue;
      await this.driver.cleanup?.(processId);
      await matchMaker.stats.excludeProcess(processId);
      this.log.warn({ processId }, "cluster: a process stopped answering; its rooms are no longer offered");
    }
    this.suspects = missing;
  }

  /** Keeps track of a room created in this process (see app.ts: the room handlers' events). */
  track(room: Room): void {
    this.local.add(room);
  }

  untrack(room: Room): void {
    this.local.delete(room);
  }

  /** This process's key had lapsed (a stalled event loop): the others may have swept it. */
  private async relist(): Promise<void> {
    await Promise.all([...this.local].map((room) => room.listing.save()));
    await matchMaker.stats.persist(true);
    if (this.local.size > 0) this.log.warn({ rooms: this.local.size }, "cluster: this process's heartbeat lapsed (a busy event loop?); its rooms are listed again");
  }
}
