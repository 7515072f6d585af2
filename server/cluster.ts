/**
 * Failover for a cluster. Stock Colyseus 0.16 keeps a killed (`kill -9`) process's rooms
 * listed for seconds or for good, and a join that picks one waits out a 2 s remote call,
 * twice. Here:
 * - every process renews a short-lived "alive" key (SET … PX) four times a second and reads
 *   the others' in one round trip; a process whose key is missing is *gone* at once: joins
 *   skip its rooms and new rooms are not placed on it (no waiting for a timeout);
 * - before a join is sent to a room, Redis is asked whether anyone still listens on that
 *   room's channel (PUBSUB NUMSUB): a killed process's subscriptions end with its sockets,
 *   so this sees a `kill -9` within milliseconds, before the key expires;
 * - a process missing on two sweeps in a row is swept: its rooms leave the driver and it
 *   leaves the stats.
 * A process whose event loop stalls past the key's life may be taken for gone: its rooms are
 * skipped meanwhile and, as it finds its own key had lapsed, it lists its rooms again.
 *
 * {@link ClusterHealth} says whether Redis answers: while it does not, matchmaking answers
 * CLUSTER_UNAVAILABLE at once and /readyz says 503; running duels go on.
 */
import { matchMaker, type IRoomCache, type MatchMakerDriver, type Presence, type Room } from "colyseus";
import type Redis from "ioredis";
import type { Logger } from "./logger";
import { Comeback } from "./waiting";
import { ROOMS_KEY } from "./redis";

const aliveKey = (processId: string) => `lingualeap:alive:${processId}`;

/** How many subscribers each channel has, in order (one PUBSUB NUMSUB). */
export async function listeners(redis: Redis, channels: readonly string[]): Promise<number[]> {
  const reply = (await redis.pubsub("NUMSUB", ...channels)) as (string | number)[];
  return channels.map((_, i) => Number(reply[2 * i + 1] ?? 0));
}

/** Whether a process of the cluster still beats (its key has not expired). */
export function isProcessAlive(presence: Presence, processId: string): Promise<boolean> {
  return presence.exists(aliveKey(processId));
}

/** How often this process renews its key and checks the others. */
const BEAT_MS = 250;
/** Lifetime of the key: a process silent this long is gone. */
const ALIVE_TTL_MS = 1000;
/** How long after an outage every process has to beat again before a missing one counts as gone. */
const REJOIN_GRACE_MS = 3000;
/** How often ClusterHealth pings Redis. */
const HEALTH_CHECK_MS = 500;

export class ProcessWatch {
  private timer?: NodeJS.Timeout;
  private ticking = false;
  /** The rooms living in this process (to list them again after a lapse). */
  private local = new Set<Room>();
  /** Processes whose key was missing at the last check. */
  private gone = new Set<string>();
  /** Processes that beat "draining": alive, taking no new learners. */
  private draining = new Set<string>();
  /** What this process's key says: "1", or "draining" once it drains. */
  private mood: "1" | "draining" = "1";
  private swept = 0;
  /** Until then (after this process's own key had lapsed) nobody is taken for gone. */
  private quietUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly driver: MatchMakerDriver,
    private readonly log: Logger,
  ) {}

  /** Dead processes this one has swept since it started. */
  get sweptCount(): number {
    return this.swept;
  }

  /** Beats once, then keeps beating (call before the process takes rooms). */
  async start(): Promise<void> {
    await this.beat();
    this.timer ??= setInterval(() => void this.tick(), BEAT_MS);
    this.timer.unref();
  }

  /** Stops beating (call after draining: the process stays alive for the others until then). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.redis.del(aliveKey(matchMaker.processId)).catch(() => undefined); // else it expires by itself
  }

  /** False for a process whose heartbeat is missing: nothing is sent to it. */
  readonly available = (processId: string | undefined): boolean => processId === undefined || (!this.gone.has(processId) && !this.draining.has(processId));

  /**
   * This process drains: its key says so at once, so the others send it no new learner and
   * place no room on it (its running duels go on, and reconnections still reach them).
   */
  async drain(): Promise<void> {
    this.mood = "draining";
    await this.beat();
  }

  /**
   * Whether a room can take a join now: its process beats and still listens on the room's
   * channel. A room that cannot marks its process gone until the next check.
   */
  readonly reachable = async (room: IRoomCache): Promise<boolean> => {
    if (room.processId && this.gone.has(room.processId)) return false;
    // One of ours is reachable if it still lives here; a listing whose room closed while
    // Redis was away (its removal failed) is a ghost: dropped now.
    if (room.processId === matchMaker.processId) {
      if (matchMaker.getLocalRoomById(room.roomId)) return true;
      await this.redis.hdel(ROOMS_KEY, room.roomId);
      return false;
    }
    const [roomListeners, processListeners] = await this.listeners(`$${room.roomId}`, `p:${room.processId}`);
    if (roomListeners > 0) return true;
    // Nobody listens for the room: its process is gone, or (it still listens for itself)
    // the listing outlived its room.
    if (room.processId && processListeners === 0) this.gone.add(room.processId);
    return false;
  };

  /**
   * At start-up: sweeps every process of the stats whose key is missing now, so joining the
   * cluster does not wait out Colyseus's 2 s health check of each dead one.
   */
  async sweepGone(): Promise<void> {
    const others = await this.others();
    const beats = others.length > 0 ? await this.redis.mget(others.map(aliveKey)) : [];
    const missing = new Set(others.filter((_, i) => beats[i] === null));
    this.gone = missing;
    await this.sweep(missing);
  }

  /** The other processes the stats name (every process that hosts rooms writes its stats). */
  private async others(): Promise<string[]> {
    return (await matchMaker.stats.fetchAll()).map((s) => s.processId).filter((id) => id && id !== matchMaker.processId);
  }

  private listeners(...channels: string[]): Promise<number[]> {
    return listeners(this.redis, channels);
  }

  /** Whether a process still listens on its own channel (Colyseus's `p:<id>`, used to create rooms there). */
  async processReachable(processId: string): Promise<boolean> {
    if (processId === matchMaker.processId) return true;
    if (!this.available(processId)) return false;
    const [listeners] = await this.listeners(`p:${processId}`);
    if (listeners > 0) return true;
    this.gone.add(processId);
    return false;
  }

  private async beat(): Promise<void> {
    await this.redis.set(aliveKey(matchMaker.processId), this.mood, "PX", ALIVE_TTL_MS);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const me = matchMaker.processId;
      const others = await this.others();
      const checks = this.redis.pipeline().exists(aliveKey(me)).set(aliveKey(me), this.mood, "PX", ALIVE_TTL_MS);
      for (const id of others) checks.get(aliveKey(id));
      const answers = (await checks.exec()) ?? [];
      const [lapsedAnswer] = answers;
      const now = Date.now();
      if (lapsedAnswer?.[1] === 0) {
        await this.relist();
        // Our key had lapsed: Redis was away, or this loop stalled. The others' keys lapsed
        // too, and they beat again only once reconnected: nobody is taken for gone meanwhile.
        this.quietUntil = now + REJOIN_GRACE_MS;
      }
      const beats = others.map((_, i) => answers[i + 2]?.[1] as string | null | undefined);
      this.draining = new Set(others.filter((_, i) => beats[i] === "draining"));
      const missing = now < this.quietUntil ? new Set<string>() : new Set(others.filter((_, i) => beats[i] === null));
      await this.sweep(missing);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, "cluster: heartbeat failed (Redis away?)");
    } finally {
      this.ticking = false;
    }
  }

  /** Removes the rooms and stats of processes missing twice in a row. */
  private async sweep(missing: Set<string>): Promise<void> {
    const before = this.gone;
    this.gone = missing;
    for (const processId of missing) {
      if (!before.has(processId)) continue;
      await this.driver.cleanup?.(processId);
      await matchMaker.stats.excludeProcess(processId);
      this.swept += 1;
      this.log.warn({ processId }, "cluster: a process stopped answering; its rooms are no longer offered");
    }
  }

  /** Keeps track of a room created in this process (see app.ts: the room handlers' events). */
  track(room: Room): void {
    this.local.add(room);
  }

  untrack(room: Room): void {
    this.local.delete(room);
  }

  /**
   * This process's key had lapsed (a stalled event loop, or Redis was away or restarted
   * empty): the others may have swept it. Its rooms and stats are written again.
   */
  private async relist(): Promise<void> {
    await Promise.all([...this.local].map((room) => room.listing.save()));
    // Rooms that closed while Redis was away could not take their listings with them.
    const mine = (await this.driver.query({ processId: matchMaker.processId })) as IRoomCache[];
    const ghosts = mine.map((r) => r.roomId).filter((id) => !matchMaker.getLocalRoomById(id));
    if (ghosts.length > 0) await this.redis.hdel(ROOMS_KEY, ...ghosts);
    await matchMaker.stats.persist(true);
    if (this.local.size > 0) this.log.warn({ rooms: this.local.size }, "cluster: this process's heartbeat had lapsed (a busy event loop, or Redis was away); its rooms are listed again");
  }
}

/** How long a starting process gives its clients to connect before it says Redis is unreachable. */
const CONNECT_GRACE_MS = 3000;

/** Whether the cluster's Redis answers: a ping on our own client, and every client connected. */
export class ClusterHealth {
  private timer?: NodeJS.Timeout;
  /** undefined until the first check, so a start with Redis away is said at once. */
  private up?: boolean;
  private since = Date.now();
  private readonly back = new Comeback();

  constructor(
    private readonly pinged: Redis,
    /** Presence's and the driver's clients: all must be connected too. */
    private readonly clients: readonly Redis[],
    private readonly log: Logger,
    private readonly where: string,
  ) {}

  /** True once a check found Redis away (not while a starting process still connects). */
  get isDown(): boolean {
    return this.up === false || (this.up === true && !this.isUp);
  }

  get isUp(): boolean {
    return this.up === true && [this.pinged, ...this.clients].every((c) => c.status === "ready");
  }

  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), HEALTH_CHECK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Resolves once Redis answers (at once when it does now). */
  whenUp(): Promise<void> {
    return this.isUp ? Promise.resolve() : this.back.wait();
  }

  private async check(): Promise<void> {
    const ok = (await this.pinged.ping().then(() => true, () => false)) && this.clients.every((c) => c.status === "ready");
    if (ok === this.up) {
      if (!ok && Date.now() - this.since > 10_000) {
        this.since = Date.now();
        this.log.warn({ redis: this.where }, "cluster: Redis still unreachable; matchmaking answers CLUSTER_UNAVAILABLE, running duels go on");
      }
      return;
    }
    const first = this.up === undefined;
    if (!ok && first && Date.now() - this.since < CONNECT_GRACE_MS) return; // still connecting
    this.up = ok;
    this.since = Date.now();
    if (ok) {
      if (!first) this.log.info({ redis: this.where }, "cluster: Redis answers again");
      this.back.release();
    } else this.log.warn({ redis: this.where }, "cluster: Redis unreachable; matchmaking answers CLUSTER_UNAVAILABLE until it is back, running duels go on");
  }
}
