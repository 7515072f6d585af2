import { matchMaker, type Client } from "@colyseus/core";
import { authenticate, type Authenticator, type JoinContext } from "../shared/authenticate";
import { bindRoom } from "../shared/bind-room";
import { GuardedRoom, type GuardServices } from "../shared/GuardedRoom";
import { refuse } from "../shared/public-error";
import { botName } from "../word-duel/bot.rules";
import { CLOSE_SERVER_SHUTDOWN } from "../word-duel/messages";
import { prepareJoin } from "../word-duel/options";
import type { DuelServices } from "../word-duel/services";
import type { Identity } from "../shared/identity";
import type { Rng } from "../word-duel/duel.rules";
import { pairUp, type PairingPolicy } from "./pairing.rules";
import { QueueState } from "./QueueState";
import { QueueClaims, type Claims } from "./claim";
import { createDuel, seatAll } from "./duels";
import { PoolSide, type Entry, type Remote } from "./PoolSide";
import type { QueuePool } from "./RedisPool";
import * as msg from "./messages";

export interface QueueServices extends Authenticator, GuardServices, Pick<DuelServices, "langs" | "words"> {
  /** The learner's rating in `lang` (the starting rating when unknown or unreadable). */
  ratingOf(userId: string, lang: string): Promise<number>;
  policy: PairingPolicy;
  /** How often the queue looks for pairs. */
  tickMs: number;
  rng: Rng;
  /** Whether the process with this id is alive (a claim held by a dead one is taken over). */
  processAlive(processId: string): Promise<boolean>;
  /** The cluster-wide pool of learners no process could pair with its own; absent in one process. */
  pool?: QueuePool;
  /** Each account's one place in any queue on the cluster's Redis (claim.ts); absent: kept in presence. */
  claims?: Claims;
}

/** What onAuth hands to onJoin (JSON-safe: it may cross processes). */
type Queued = Identity & { rating: number };

/** The join options the queue is filtered by: the client's, plus the process that took the request. */
type ShardOptions = msg.QueueJoinOptions & { shard: string };

/** Whether the learner left (read after an await: the state may have changed meanwhile). */
const isGone = (e: Entry): boolean => e.state === "gone";

/** Claims (and the pool's checks) are renewed at most this often. */
const CLAIM_RENEW_MS = 2000;
/**
 * `waiting` is counted again at most this often: a patch of it goes to every learner in the
 * room, so counting on every join and leave cost each join and leave a frame per waiting
 * learner (the busiest thing a queue did under churn).
 */
const COUNT_EVERY_MS = 1000;
/** How often the count also sweeps dead rooms' listings out of the pool (it reads every member). */
const SWEEP_EVERY_MS = 10_000;

/**
 * One language's ranked queue on one process: matchmaking filters on `lang` and on the
 * process that took the learner's request (onAuth sets it), and the room is made here, so
 * the learners who reach a process wait in its own queue. Every tick it pairs them by
 * rating (pairing.rules.ts) and makes each pair's ranked_duel here. Learners left over are
 * listed in the cluster-wide pool (PoolSide.ts, RedisPool.ts), where another process's queue
 * may take one for its own learner: it makes the duel, reserves both seats and hands this
 * room the seat of ours ({@link handOff}). Leaving is cancelling.
 */
export class RankedQueueRoom extends GuardedRoom<QueueState, QueueServices> {
  static override services: QueueServices;
  static override roomKind = "ranked_queue";
  override state = new QueueState();
  override maxClients = 10_000;
  private entries = new Map<string, Entry>();
  private ticking = false;
  private claims!: Claims;
  private side?: PoolSide;
  private renewedAt = 0;
  private countedAt = 0;
  private sweptAt = 0;
  private failedAt = 0;

  /**
   * Runs where the request lands: the token, the options (normalised so every learner of a
   * language meets in one room per process) and the learner's rating.
   */
  static override async onAuth(token: string, options: Record<string, unknown>, context?: JoinContext): Promise<Queued> {
    const identity = await authenticate(this.services, token, context);
    // Ranked duels use every word of the language: a lessonId is not read.
    prepareJoin(this.services, options, "ranked_queue");
    // This process's queue (server/placement.ts makes it here): set after prepareJoin kept
    // only the client's own keys, so no client can pick another process's queue.
    options.shard = matchMaker.processId;
    return { ...identity, rating: await this.services.ratingOf(identity.userId, options.lang as string) };
  }

  override onCreate(options: ShardOptions): void {
    this.state.lang = options.lang;
    this.claims = this.services.claims ?? new QueueClaims(this.presence, matchMaker.processId, (id) => this.services.processAlive(id));
    if (this.services.pool) this.side = new PoolSide(this.services.pool, this.roomId, options.lang, this.log);
    this.clock.setInterval(() => void this.tick(), this.services.tickMs);
  }

  /**
   * Takes the account's one claim on any queue (claim.ts), so a second tab or language is
   * refused cluster-wide. Claimed here, once per real join (onAuth may run again when
   * matchmaking retries).
   */
  override async onJoin(client: Client, options: ShardOptions, queued: Queued): Promise<void> {
    const { rating, ...identity } = queued;
    if (!(await this.claims.take(identity.userId))) {
      throw refuse("QUEUE_ALREADY_QUEUED", "you are already looking for a ranked duel (in another tab or language): cancel it first");
    }
    const now = this.services.now();
    const { lang, mode, direction, schema } = options;
    const entry: Entry = { id: client.sessionId, rating, key: `${mode}/${direction}`, since: now, client, identity, options: { lang, mode, direction, ...(schema ? { schema } : {}) }, state: "waiting" };
    this.entries.set(client.sessionId, entry);
    client.send(msg.MSG_QUEUED, { queuedAt: now, rating, botAfterMs: this.services.policy.botAfterMs } satisfies msg.QueuedMessage);
  }

  override onLeave(client: Client): void {
    const entry = this.entries.get(client.sessionId);
    if (entry) this.remove(entry);
  }

  /** The process is stopping: learners are told to queue again (the SDK does it by itself). */
  override onBeforeShutdown(): void {
    this.closeAll();
    void this.disconnect(CLOSE_SERVER_SHUTDOWN);
  }

  override onDispose(): void {
    this.closeAll();
  }

  /** Learners send nothing here: a message is ignored (it still counts against the flood limit). */
  protected override onUnknownMessage(): void {}

  /**
   * Another process's queue took this learner's listing from the pool and made their duel:
   * the learner gets that seat. Refused (false) when the learner left, is being paired here,
   * or was listed again since (`member` is the listing that was taken).
   */
  handOff(sessionId: string, member: string, matched: msg.MatchedMessage): boolean {
    const entry = this.entries.get(sessionId);
    if (!entry || entry.listing?.member !== member || (entry.state !== "waiting" && entry.state !== "taken")) return false;
    entry.client.send(msg.MSG_MATCHED, matched);
    entry.listing = undefined; // the taker removed it
    this.remove(entry);
    return true;
  }

  private closeAll(): void {
    const all = [...this.entries.values()];
    for (const entry of all) this.remove(entry, false);
    // Listings left behind (Redis away, or the process exits first) lapse with the room's key.
    void this.side?.close(all).catch((err) => this.log.debug({ err: (err as Error).message }, "ranked_queue: the pool listings could not be removed (Redis away?); they lapse"));
  }

  private remove(entry: Entry, unlist = true): void {
    entry.state = "gone";
    this.entries.delete(entry.id);
    void this.claims.release(entry.identity.userId);
    if (unlist && entry.listing) void this.side?.unlist([entry]).catch(() => undefined); // a stale listing is refused at its hand-off
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const duels: Promise<void>[] = [];
    try {
      const now = this.services.now();
      await this.upkeep(now);
      const waiting = [...this.entries.values()].filter((e) => e.state === "waiting");
      const { pairs, bots } = pairUp(waiting, now, this.services.policy);
      const groups: Entry[][] = [...pairs, ...bots.map((b) => [b])];
      // Redis away: the pairs nobody else can see still go.
      const whole = this.side ? await this.side.claim(groups, now).catch(() => groups.filter((g) => g.every((e) => !e.listing))) : groups;
      for (const group of whole) duels.push(this.startDuel(group));
      if (this.side) await this.tickAcross(this.side, waiting.filter((e) => e.state === "waiting"), now, duels);
      await this.count(now);
    } catch (err) {
      // Redis away fails every tick: said once every 10 s, not four times a second.
      const now = this.services.now();
      if (now - this.failedAt >= 10_000) {
        this.failedAt = now;
        this.log.warn({ err: (err as Error).message }, "ranked_queue: tick failed (Redis away?); the learners keep waiting");
      }
    } finally {
      await Promise.all(duels);
      this.ticking = false;
    }
  }

  /** Pairs of ours left over with other processes' learners, then lists who is still waiting. */
  private async tickAcross(side: PoolSide, left: Entry[], now: number, duels: Promise<void>[]): Promise<void> {
    try {
      for (const [own, remote] of await side.across(left, now, this.services.policy)) duels.push(this.startAcross(own, remote));
    } finally {
      // Even when the search failed: the beat keeps this room's listings alive for the others.
      await side.list(this.entries.values());
    }
  }

  /** This language's waiting learners: ours, and those other processes list in the pool. */
  private async count(now: number): Promise<void> {
    if (now - this.countedAt < COUNT_EVERY_MS) return;
    this.countedAt = now;
    const sweep = now - this.sweptAt >= SWEEP_EVERY_MS;
    if (sweep) this.sweptAt = now;
    const others = this.side ? await this.side.othersListed(this.entries.values(), sweep) : 0;
    this.state.waiting = Math.min(0xffff, this.entries.size + others); // a uint16
  }

  /** Every couple of seconds: the claims of learners still waiting, and whether their listings are still there. */
  private async upkeep(now: number): Promise<void> {
    this.side?.release(this.entries.values(), now);
    if (now - this.renewedAt < CLAIM_RENEW_MS) return;
    this.renewedAt = now;
    const queued = [...this.entries.values()].filter((e) => e.state !== "matching");
    await Promise.all([this.claims.renew(queued.map((e) => e.identity.userId)), this.side?.check(queued, now)]);
  }

  /** Creates the duel of a pair (or of one learner and a bot) here and hands out the seats. */
  private async startDuel(group: Entry[]): Promise<void> {
    for (const e of group) e.state = "matching";
    const [first] = group;
    const bot = group.length === 1 ? { name: botName(this.services.rng), rating: first.rating } : undefined;
    try {
      const room = await createDuel(first.options, group, bot);
      if (group.some(isGone)) throw new Error("a learner cancelled while their duel was being set up");
      const matched = await seatAll(room, group, bot);
      group.forEach((e, i) => {
        e.client.send(msg.MSG_MATCHED, matched[i]);
        e.listing = undefined; // taken from the pool before pairing
        this.remove(e);
      });
    } catch (err) {
      // Whoever is still here keeps waiting (their wait time too; listed again if they were);
      // an unused room closes by itself.
      this.log.warn({ err: (err as Error).message }, "ranked_queue: could not start a duel; the learners keep waiting");
      this.backToWaiting(group);
    }
  }

  /**
   * Creates the duel of one of ours and another process's learner here, reserves both seats,
   * and hands theirs to their room first: only once it answers that its learner is there is
   * ours told, so nobody is paired with a learner whose process died.
   */
  private async startAcross(own: Entry, remote: Remote): Promise<void> {
    own.state = "matching";
    let handedOff = false;
    try {
      const sitters = [own, { identity: remote.member.identity, rating: remote.rating, options: { schema: remote.member.schema } }];
      const room = await createDuel(own.options, sitters);
      if (isGone(own)) throw new Error("the learner cancelled while their duel was being set up");
      const [ours, theirs] = await seatAll(room, sitters);
      handedOff = true;
      const taken = await matchMaker.remoteRoomCall(remote.member.roomId, "handOff", [remote.member.sessionId, remote.ref.member, theirs]).catch((err: Error) => {
        this.side?.suspect(remote.member.roomId, this.services.now());
        throw err;
      });
      if (taken !== true) throw new Error("the other process's learner had left");
      if (isGone(own)) return; // ours left meanwhile: theirs meets a no-show, as with a learner who never comes
      own.client.send(msg.MSG_MATCHED, ours);
      own.listing = undefined;
      this.remove(own);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "ranked_queue: could not start a duel with another process's learner; ours keeps waiting");
      this.backToWaiting([own]);
      // Before the hand-off the other learner goes back to the pool as it was; after a refused
      // or failed one its listing is gone for good (it left, was listed anew, or its process died).
      if (!handedOff) await this.side?.putBack(remote).catch(() => undefined);
    }
  }

  private backToWaiting(group: Entry[]): void {
    for (const e of group) {
      if (e.state === "gone") continue;
      e.state = "waiting";
      e.listing = undefined;
    }
  }
}

/** A ranked_queue room class bound to one app's services. */
export function bindQueueServices(services: QueueServices): typeof RankedQueueRoom {
  return bindRoom(RankedQueueRoom, { services });
}
