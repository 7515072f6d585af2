import { matchMaker, type Client } from "@colyseus/core";
import { authenticate, type Authenticator, type JoinContext } from "../shared/authenticate";
import { bindRoom } from "../shared/bind-room";
import { GuardedRoom, type GuardServices } from "../shared/GuardedRoom";
import { refuse } from "../shared/public-error";
import { botName } from "../word-duel/bot.rules";
import { CLOSE_SERVER_SHUTDOWN, ROOM_RANKED_DUEL } from "../word-duel/messages";
import { prepareJoin, type RankedSetup } from "../word-duel/options";
import type { DuelServices } from "../word-duel/services";
import type { Identity } from "../shared/identity";
import type { Rng } from "../word-duel/duel.rules";
import { pairUp, type PairingPolicy, type QueueEntry } from "./pairing.rules";
import { QueueState } from "./QueueState";
import { QueueClaims } from "./claim";
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
}

/** What onAuth hands to onJoin (JSON-safe: it may cross processes). */
type Queued = Identity & { rating: number };

interface Entry extends QueueEntry {
  client: Client;
  identity: Identity;
  options: msg.QueueJoinOptions;
  /** A duel is being set up for this learner: not offered to anyone else meanwhile. */
  matching?: boolean;
}

/** Claims are renewed at most this often. */
const CLAIM_RENEW_MS = 2000;

/**
 * One language's ranked queue (matchmaking filters on `lang`, and Colyseus's create lock
 * makes it one room cluster-wide). Every tick it pairs waiting learners by rating with
 * pairing.ts, creates each pair's ranked_duel through the matchmaker (on the least-loaded
 * process), reserves both seats and hands them over in `matched`. Leaving is cancelling.
 */
export class RankedQueueRoom extends GuardedRoom<QueueState, QueueServices> {
  static override services: QueueServices;
  static override roomKind = "ranked_queue";
  override state = new QueueState();
  override maxClients = 10_000;
  private entries = new Map<string, Entry>();
  private ticking = false;
  private claims!: QueueClaims;
  private renewedAt = 0;

  /**
   * Runs where the request lands: the token, the options (normalised so every learner of a
   * language meets in one room) and the learner's rating.
   */
  static override async onAuth(token: string, options: Record<string, unknown>, context?: JoinContext): Promise<Queued> {
    const identity = await authenticate(this.services, token, context);
    // Ranked duels use every word of the language: a lessonId is not read.
    prepareJoin(this.services, options, "ranked_queue");
    return { ...identity, rating: await this.services.ratingOf(identity.userId, options.lang as string) };
  }

  override onCreate(options: msg.QueueJoinOptions): void {
    this.state.lang = options.lang;
    this.claims = new QueueClaims(this.presence, matchMaker.processId, (id) => this.services.processAlive(id));
    this.clock.setInterval(() => void this.tick(), this.services.tickMs);
  }

  /**
   * Takes the account's one claim on any queue (claim.ts), so a second tab or language is
   * refused cluster-wide. Claimed here, once per real join (onAuth may run again when
   * matchmaking retries).
   */
  override async onJoin(client: Client, options: msg.QueueJoinOptions, queued: Queued): Promise<void> {
    const { rating, ...identity } = queued;
    if (!(await this.claims.take(identity.userId))) {
      throw refuse("QUEUE_ALREADY_QUEUED", "you are already looking for a ranked duel (in another tab or language): cancel it first");
    }
    const now = this.services.now();
    const entry: Entry = {
      id: client.sessionId, rating, key: `${options.mode}/${options.direction}`, since: now,
      client, identity, options,
    };
    this.entries.set(client.sessionId, entry);
    this.state.waiting = this.entries.size;
    client.send(msg.MSG_QUEUED, { queuedAt: now, rating, botAfterMs: this.services.policy.botAfterMs } satisfies msg.QueuedMessage);
  }

  override onLeave(client: Client): void {
    const entry = this.entries.get(client.sessionId);
    if (!entry) return;
    this.remove(entry);
  }

  /** The process is stopping: learners are told to queue again (the SDK does it by itself). */
  override onBeforeShutdown(): void {
    for (const entry of [...this.entries.values()]) this.remove(entry);
    void this.disconnect(CLOSE_SERVER_SHUTDOWN);
  }

  override onDispose(): void {
    for (const entry of [...this.entries.values()]) this.remove(entry);
  }

  /** Learners send nothing here: a message is ignored (it still counts against the flood limit). */
  protected override onUnknownMessage(): void {}

  private remove(entry: Entry): void {
    this.entries.delete(entry.id);
    this.state.waiting = this.entries.size;
    void this.claims.release(entry.identity.userId);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.services.now();
      const waiting = [...this.entries.values()].filter((e) => !e.matching);
      if (now - this.renewedAt >= CLAIM_RENEW_MS) {
        this.renewedAt = now;
        await this.claims.renew(waiting.map((e) => e.identity.userId));
      }
      const { pairs, bots } = pairUp(waiting, now, this.services.policy);
      await Promise.all([...pairs, ...bots.map((b) => [b])].map((group) => this.startDuel(group)));
    } catch (err) {
      this.services.log.error({ err, roomId: this.roomId }, "ranked_queue: tick failed");
    } finally {
      this.ticking = false;
    }
  }

  /** Creates the duel of a pair (or of one learner and a bot) and hands out the seats. */
  private async startDuel(group: Entry[]): Promise<void> {
    for (const e of group) e.matching = true;
    const [first] = group;
    const bot = group.length === 1 ? { name: botName(this.services.rng), rating: first.rating } : undefined;
    try {
      const setup: RankedSetup = { invited: group.map((e) => e.identity.userId), bot };
      const room = await matchMaker.createRoom(ROOM_RANKED_DUEL, { ...first.options, lessonId: "", ...setup });
      if (group.some((e) => !this.entries.has(e.id))) throw new Error("a learner cancelled while their duel was being set up");
      const seats = await Promise.all(group.map((e) => matchMaker.reserveSeatFor(room, {}, e.identity)));
      group.forEach((e, i) => {
        const other = group[1 - i];
        const opponent = other ? { name: other.identity.name, isBot: false, rating: other.rating } : { name: bot!.name, isBot: true, rating: bot!.rating };
        const { name, roomId, processId, publicAddress } = room;
        const reservation: msg.SeatReservation = { sessionId: seats[i].sessionId, room: { name, roomId, processId, publicAddress } };
        e.client.send(msg.MSG_MATCHED, { reservation, opponent } satisfies msg.MatchedMessage);
        this.remove(e);
      });
    } catch (err) {
      // Whoever is still here keeps waiting (their wait time too); an unused room closes by itself.
      this.services.log.warn({ err: (err as Error).message, roomId: this.roomId }, "ranked_queue: could not start a duel; the learners keep waiting");
      for (const e of group) e.matching = false;
    }
  }
}

/** A ranked_queue room class bound to one app's services. */
export function bindQueueServices(services: QueueServices): typeof RankedQueueRoom {
  return bindRoom(RankedQueueRoom, { services });
}
