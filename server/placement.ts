/**
 * Where a new room goes, and whether its requester may have another. Colyseus calls
 * `select(roomName, options)` each time it is about to create a room, with the very options
 * object of the matchmaking request that asked for it: the matchmaking route notes the
 * requester against that object, so room creation is limited per account and per address at
 * the one place rooms are really made (a joinOrCreate that finds a room creates nothing).
 * Rooms the server makes itself (the ranked queue's duels) have no requester.
 */
import { matchMaker, ServerError } from "colyseus";
import { ERROR_CODES } from "./errors";
import type { Limits } from "./limits";
import { ROOM_RANKED_QUEUE } from "../rooms/ranked-queue/messages";

export interface Requester {
  address: string;
  /** The account, when the request carried a valid token. */
  userId?: string;
}

/** A matchmaking refusal that the HTTP answer turns into 429 with Retry-After. */
export class RateLimitedError extends ServerError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(ERROR_CODES.RATE_LIMITED, `RATE_LIMITED: ${message}`);
  }
}

/**
 * The less loaded (connected learners, then rooms) of two processes drawn at random. Each
 * process publishes its load at most once a second, so "the least loaded" alone would send a
 * whole burst of new duels to one process that still looks idle; two random choices spread
 * the burst and still avoid the busy ones. Processes the heartbeat says are gone are left
 * out, and the chosen one must still listen for requests (else this process takes the room
 * rather than wait out Colyseus's 2 s remote-call timeout).
 */
export async function leastLoadedProcess(watch?: ProcessGate): Promise<string> {
  const all = (await matchMaker.stats.fetchAll()).filter((s) => !watch || watch.available(s.processId));
  if (all.length === 0) return matchMaker.processId;
  const [a, b] = [0, 1].map(() => all[Math.floor(Math.random() * all.length)]);
  const chosen = b.ccu < a.ccu || (b.ccu === a.ccu && b.roomCount < a.roomCount) ? b.processId : a.processId;
  if (watch && !(await watch.processReachable(chosen).catch(() => false))) return matchMaker.processId;
  return chosen;
}

/** What placement asks the process watch (server/cluster.ts). */
export interface ProcessGate {
  available(processId: string): boolean;
  processReachable(processId: string): Promise<boolean>;
}

export class Placement {
  private readonly requesters = new WeakMap<object, Requester>();

  constructor(
    private readonly limits: Pick<Limits, "rooms" | "roomsByAddress">,
    private readonly watch?: ProcessGate,
  ) {}

  /** Notes who asked for the room these options may create. */
  note(options: object, requester: Requester): void {
    this.requesters.set(options, requester);
  }

  /**
   * Colyseus's selectProcessIdToCreateRoom: the requester's creation limits, then a process
   * (a ranked queue always here: each process has its own, see RankedQueueRoom).
   */
  readonly select = async (roomName: string, options: unknown): Promise<string> => {
    const requester = typeof options === "object" && options !== null ? this.requesters.get(options) : undefined;
    if (requester) await this.charge(requester);
    return roomName === ROOM_RANKED_QUEUE ? matchMaker.processId : leastLoadedProcess(this.watch);
  };

  private async charge({ address, userId }: Requester): Promise<void> {
    const keys = [[this.limits.roomsByAddress, address], [this.limits.rooms, userId]] as const;
    for (const [limit, key] of keys) {
      if (key === undefined) continue;
      const taken = await limit.take(key);
      if (!taken.ok) throw new RateLimitedError("you are opening rooms too fast; wait a little and try again", taken.retryAfterMs);
    }
  }
}
