import type { Room } from "colyseus.js";
import * as q from "../rooms/ranked-queue/messages";
import { CLOSE_FLOODING } from "../rooms/word-duel/messages";
import { backoffDelay } from "./backoff";
import { DuelSession, type DuelSessionOptions } from "./DuelSession";
import { fromRoomError, isTransient, LinguaLeapError } from "./errors";
import type { Matchmaker } from "./Matchmaker";

/** A plain snapshot of the queue room's state (docs/protocol/rooms.md, QueueState). */
export interface QueueView {
  /** The queue's language. */
  lang: string;
  /** How many learners wait in this language's queue. */
  waiting: number;
}

/** Events of a ranked search. */
export interface RankedSearchEvents {
  /** In the queue (again, after a lost connection): show the wait from `queuedAt`. */
  queued: q.QueuedMessage;
  /** An opponent (or a bot) was found: the SDK is taking the seat. */
  matched: q.MatchedMessage["opponent"];
  /**
   * The queue's connection dropped (its server stopped or died): the SDK is queueing again by
   * itself, on another endpoint if need be; `queued` follows once the learner is back in a
   * queue (the wait starts over), or `search.duel` rejects with QUEUE_LOST.
   */
  requeueing: { attempt: number; delayMs: number };
}

type Listener<K extends keyof RankedSearchEvents> = (payload: RankedSearchEvents[K]) => void;

/** How long the SDK keeps trying to get back into a queue that was lost (a process died). */
const REQUEUE_FOR_MS = 20_000;
/**
 * Queueing again starts after about 1.6 s: a dead process's rooms stay listed until the cluster
 * notices (about a second, server/cluster.ts), and a join sent to one of them hangs for seconds.
 */
const REQUEUE_BACKOFF = { baseMs: 1600, maxMs: 4000 };
/** How long joining waits for the queue's `queued`. */
const QUEUED_TIMEOUT_MS = 10_000;

/**
 * A learner's place in a ranked queue, from `LinguaLeapClient.findRankedDuel()`. `duel`
 * resolves with the DuelSession once paired (with a learner or a bot) and the seat is
 * taken; it rejects with QUEUE_CANCELLED after `cancel()`, or another LinguaLeapError.
 * If the queue's server goes away, the SDK queues again by itself.
 * @example
 * const search = await ll.findRankedDuel({ lang: "es", mode: "choice" });
 * search.on("matched", (o) => console.log("playing", o.name));
 * const duel = await search.duel;
 */
export class RankedSearch {
  /** Resolves with the duel once paired; rejects when cancelled or lost. */
  readonly duel: Promise<DuelSession>;
  /** The latest `queued` message (when the wait started, your rating, when a bot comes). */
  status: q.QueuedMessage = { queuedAt: 0, rating: 0, botAfterMs: 0 };
  /** The queue as of now: its language and how many learners wait in it. */
  queue: QueueView = { lang: "", waiting: 0 };
  private settle!: { resolve: (d: DuelSession) => void; reject: (e: LinguaLeapError) => void };
  private listeners = new Map<keyof RankedSearchEvents, Set<Listener<never>>>();
  private done = false;

  private constructor(
    private readonly matchmaker: Matchmaker,
    private room: Room,
    private readonly enter: () => Promise<Room>,
    private readonly sessionOptions: DuelSessionOptions,
  ) {
    this.duel = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.duel.catch(() => undefined); // a caller who never awaits it must not crash the process
  }

  /**
   * Joins the queue with `enter` and resolves once the server has put the learner in it
   * (use `LinguaLeapClient.findRankedDuel()`).
   */
  static async open(matchmaker: Matchmaker, enter: () => Promise<Room>, sessionOptions: DuelSessionOptions): Promise<RankedSearch> {
    const room = await enter();
    const search = new RankedSearch(matchmaker, room, enter, sessionOptions);
    await search.listen(room);
    return search;
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes.
   * @example search.on("queued", ({ queuedAt }) => startTimer(queuedAt));
   */
  on<K extends keyof RankedSearchEvents>(event: K, listener: Listener<K>): () => void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
    return () => this.listeners.get(event)?.delete(listener);
  }

  /**
   * Leaves the queue. `duel` rejects with QUEUE_CANCELLED (unless a match already came).
   * @example await search.cancel();
   */
  async cancel(): Promise<void> {
    if (this.done) return;
    this.finish(new LinguaLeapError("QUEUE_CANCELLED", "you left the queue"));
    if (this.room.connection.isOpen) await this.room.leave(true);
  }

  private emit<K extends keyof RankedSearchEvents>(event: K, payload: RankedSearchEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as Listener<K>)(payload);
  }

  /**
   * Listens to a queue room; resolves at its first `queued`. Every handler is set before
   * anything is awaited: `matched` may come in the same read as `queued`, and colyseus.js
   * drops a message nobody listens to yet.
   */
  private listen(room: Room): Promise<void> {
    const queued = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        void room.leave(true);
        reject(new LinguaLeapError("TIMEOUT", "the queue did not answer"));
      }, QUEUED_TIMEOUT_MS);
      room.onMessage(q.MSG_QUEUED, (m: q.QueuedMessage) => {
        clearTimeout(timer);
        this.status = m;
        this.emit("queued", m);
        resolve();
      });
    });
    room.onMessage(q.MSG_MATCHED, (m: q.MatchedMessage) => void this.take(m));
    room.onStateChange((state: QueueView) => (this.queue = { lang: state.lang, waiting: state.waiting }));
    room.onLeave((code) => void this.onLeave(room, code));
    return queued;
  }

  private async take(m: q.MatchedMessage): Promise<void> {
    if (this.done) return;
    this.emit("matched", m.opponent);
    try {
      const seat = await this.matchmaker.consume(m.reservation);
      const session = new DuelSession(this.matchmaker, seat, this.sessionOptions);
      this.finish(session);
    } catch (err) {
      this.finish(fromRoomError(err));
    }
    if (this.room.connection.isOpen) await this.room.leave(true);
  }

  private async onLeave(room: Room, code: number): Promise<void> {
    if (this.done || room !== this.room) return;
    if (code === CLOSE_FLOODING) return this.finish(new LinguaLeapError("DUEL_RATE_LIMITED", "disconnected from the queue for sending too many messages"));
    // The queue's server stopped or died: queue again (another process takes over).
    const deadline = Date.now() + REQUEUE_FOR_MS;
    for (let attempt = 0; Date.now() < deadline && !this.done; attempt++) {
      const delayMs = backoffDelay(attempt, REQUEUE_BACKOFF);
      this.emit("requeueing", { attempt: attempt + 1, delayMs });
      await new Promise((r) => setTimeout(r, delayMs));
      if (this.done) return;
      try {
        const room = await this.enter();
        if (this.done) return void room.leave(true);
        this.room = room;
        return await this.listen(room);
      } catch (err) {
        const error = fromRoomError(err);
        // The old claim on the queue outlives a dead process by a few seconds: wait it out;
        // so too nobody reachable, no answer in time, a server draining.
        if (!isTransient(error) && error.code !== "QUEUE_ALREADY_QUEUED") return this.finish(error);
      }
    }
    this.finish(new LinguaLeapError("QUEUE_LOST", "the connection to the queue was lost and could not be restored: look for a duel again"));
  }

  private finish(outcome: DuelSession | LinguaLeapError): void {
    if (this.done) return;
    this.done = true;
    if (outcome instanceof LinguaLeapError) this.settle.reject(outcome);
    else this.settle.resolve(outcome);
  }
}
