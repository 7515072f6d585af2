/**
 * Recording finished duels without losing any, exactly once.
 *
 * A result is durable before any learner is told it: {@link ResultRecorder.record} resolves
 * once it is in the outbox (server/outbox.ts: the cluster's Redis stream, or this process's
 * fsynced file), or, with no outbox (the in-memory store), once the store has it. One writer
 * loop per process then takes the oldest results from the outbox in batches and writes them
 * to the store; the store ignores a matchId it already has. No two writes touching one
 * learner's documents ever run at once in a process (per-learner locks): MongoDB makes one
 * update atomic, not two racing read-plan-write sequences, and FerretDB not even that.
 *
 * While the store is down the loop waits (a short backoff, and at once when a ping answers
 * again); a result the store refuses for good (malformed, or failing {@link
 * PERMANENT_ATTEMPTS} times with an error that is not an outage) moves to the dead letters
 * (an append-only file), is logged and counted, and waits there for an operator to replay it
 * (`POST /admin/dead-letters/replay`).
 */
import type { MatchResult } from "../rooms/shared/match-result";
import { resultProblem } from "./progress.rules";
import { xpFor } from "../rooms/word-duel/worth.rules";
import type { Logger } from "./logger";
import type { Store } from "./store/store";
import type { Outbox, OutboxEntry } from "./outbox";
import type { DeadLetter, DeadLetters } from "./DeadLetters";
import { KeyedLocks } from "./KeyedLocks";
import { withDeadline } from "./waiting";
import { FreshRead } from "./FreshRead";
import { isRedisOutage } from "./redis";
import { BoardSinkError } from "./boards";

export interface RecorderOptions {
  /** A store write slower than this counts as failed (the write itself is still awaited before the next one). */
  writeTimeoutMs: number;
  /** First retry while the store is down; doubles up to {@link MAX_RETRY_MS}. */
  retryMs: number;
  /** Results half-applied this long are finished by this process too (default {@link STALE_PENDING_MS}). */
  stalePendingMs?: number;
}

/** Failures (not outages) a result may have before it is put aside as a dead letter. */
export const PERMANENT_ATTEMPTS = 3;
/** Longest wait between two tries while the store is down (a ping that answers wakes it sooner). */
export const MAX_RETRY_MS = 5000;
/** Results taken from the outbox per pass. */
const BATCH = 32;
/** How often the writer looks at the outbox when nothing kicked it (stranded results of dead processes). */
const IDLE_POLL_MS = 1000;
/**
 * Results left half-applied in the store this long are finished by any process: their own
 * process died with them in a file only it reads (cut off from Redis, then killed), so
 * neither the stream nor a start-up would bring them back. Every step is idempotent.
 */
export const STALE_PENDING_MS = 60_000;

class StoreTimeout extends Error {}

const withTimeout = <T>(write: Promise<T>, ms: number) => withDeadline(write, ms, () => new StoreTimeout(`store did not answer within ${ms} ms`));

/** MongoDB server codes that mean "not now" (shutting down, no primary, network). */
const MONGO_OUTAGE_CODES = new Set([6, 7, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);

/**
 * True when an error means the store is unreachable or busy right now (retry later, in
 * order); false when it refused this result (retrying changes nothing).
 */
export function isOutage(err: unknown): boolean {
  if (err instanceof StoreTimeout) return true;
  // The Redis boards are written in the same step (store/RedisBoards.ts): whatever they
  // answer (away, full, read-only), the result is not at fault and waits.
  if (err instanceof BoardSinkError || isRedisOutage(err)) return true;
  const e = err as { name?: string; code?: unknown; hasErrorLabel?: (label: string) => boolean } | null;
  if (!e || typeof e !== "object") return false;
  if (/^Mongo(ServerSelection|Network|NotConnected|Topology|PoolClosed|WaitQueueTimeout|NetworkTimeout)/.test(e.name ?? "")) return true;
  if (typeof e.hasErrorLabel === "function" && (e.hasErrorLabel("RetryableWriteError") || e.hasErrorLabel("NetworkError") || e.hasErrorLabel("ResetPool"))) return true;
  if (typeof e.code === "number" && MONGO_OUTAGE_CODES.has(e.code)) return true;
  return typeof e.code === "string" && NETWORK_CODES.has(e.code);
}

/** Whether the store answers (StoreHealth); optional for tests and the in-memory store. */
export interface StoreUp {
  readonly isUp: boolean;
  /** Resolves once the store answers again. */
  whenUp(): Promise<void>;
  /** A write just failed as an outage: check now. */
  suspect(): void;
}

export class ResultRecorder {
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private kicked = false;
  private delay: number;
  /** Results being written to the store right now (pending too, until it has them). */
  private inFlight = new Map<string, MatchResult>();
  /** Failures that were not outages, per matchId (in memory: a restart gives a result new chances). */
  private refusals = new Map<string, number>();
  private readonly locks = new KeyedLocks();
  /** Store writes not settled yet, per matchId (a retry joins the one in flight). */
  private readonly writes = new Map<string, Promise<boolean>>();
  /** What waits in the outboxes: one read shared by every caller that arrived before it began (a read of the stream can be large). */
  private readonly waiting = new FreshRead(async () => (await Promise.all(this.boxes().map((b) => b.pending().catch(() => [] as MatchResult[])))).flat());
  private recorded = 0;
  private resumed?: Promise<void>;
  /** The background look for results left half-applied by another process, and when it last ran. */
  private stale?: Promise<unknown>;
  private staleAt = Date.now();

  constructor(
    private readonly store: Store,
    /** Where results wait (undefined: the store's own answer is the only durability, as with the in-memory store). */
    private readonly outbox: Outbox | undefined,
    /** Where results wait when the outbox cannot take them (Redis away): this process's file. */
    private readonly fallback: Outbox | undefined,
    private readonly deadLetters: DeadLetters,
    private readonly log: Logger,
    private readonly opts: RecorderOptions,
    /** Called after a result reached the store (live leaderboards listen). */
    private readonly onApplied: (result: MatchResult) => void = () => undefined,
    private readonly health?: StoreUp,
  ) {
    this.delay = opts.retryMs;
  }

  /**
   * Opens the outboxes and starts writing. Returns without waiting for the database: half-
   * applied results of an earlier run are finished in the background, as the outbox is.
   */
  async start(): Promise<void> {
    const dead = await this.deadLetters.load(this.log);
    if (dead.length > 0) this.log.warn({ results: dead.length, path: this.deadLetters.path }, "dead letters: results the store refused wait for an operator (GET /admin/dead-letters)");
    // A box that cannot start yet (Redis still connecting) is started by its first use.
    for (const box of this.boxes()) await box.start().catch((err) => this.log.debug({ err: (err as Error).message, outbox: box.where }, "outbox: not reachable yet; retrying in the background"));
    this.resumed = this.resumePending();
    this.loop = this.run();
  }

  /** Finishes results left half-applied for {@link STALE_PENDING_MS} (a look as often, in the background). */
  private resumeStale(): void {
    const after = this.opts.stalePendingMs ?? STALE_PENDING_MS;
    if (this.stale || Date.now() - this.staleAt < after) return;
    this.staleAt = Date.now();
    this.stale = this.store
      .resumePending((userIds, write) => this.locks.run(userIds, write), after)
      .then((resumed) => resumed > 0 && this.log.warn({ resumed }, "store: finished results another process left half-applied"))
      .catch((err) => this.log.debug({ err: (err as Error).message }, "store: half-applied results could not be finished yet"))
      .finally(() => (this.stale = undefined));
  }
  /** Finishes results a crash left half-applied, retrying while the store is down. */
  private async resumePending(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const resumed = await this.store.resumePending((userIds, write) => this.locks.run(userIds, write));
        if (resumed > 0) this.log.info({ resumed }, "store: finished results an earlier run left half-applied");
        return;
      } catch (err) {
        if (attempt === 0) this.log.warn({ err: (err as Error).message }, "store: could not finish every half-applied result yet; retrying in the background");
        await this.pause();
      }
    }
  }

  /** Runs `write` when no write of these learners runs in this process (the league job's settlements take the same locks). */
  serialize<T>(userIds: readonly string[], write: () => Promise<T>): Promise<T> {
    return this.locks.run(userIds, write);
  }

  /** Stops the writer after the batch it is writing (what waits stays in the outbox for the next run or another process). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.resumed;
    await this.stale;
    for (const box of this.boxes()) await box.stop().catch(() => undefined);
  }

  private boxes(): Outbox[] {
    return [...new Set([this.fallback, this.outbox].filter((b): b is Outbox => b !== undefined))];
  }

  /**
   * Makes a result durable: resolves once it is in the outbox (or the fallback file while
   * the outbox is away), or, with no outbox, in the store. Rejects only when none of them
   * could take it; the caller must then not show it.
   */
  async record(result: MatchResult): Promise<void> {
    const problem = resultProblem(result);
    if (problem) return this.putAside(result, `malformed result: ${problem}`);
    if (this.outbox) {
      try {
        await this.outbox.append(result);
        return this.kick();
      } catch (err) {
        if (!this.fallback) throw err;
        this.log.warn({ err: (err as Error).message, matchId: result.matchId, outbox: this.outbox.where, fallback: this.fallback.where }, "outbox unavailable: the result waits in this process's file");
      }
    }
    if (this.fallback) {
      await this.fallback.append(result);
      return this.kick();
    }
    // No outbox: the store's answer is the durability (the in-memory store).
    this.inFlight.set(result.matchId, result);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return void (await this.apply(result));
        } catch (err) {
          if (!isOutage(err) && attempt >= PERMANENT_ATTEMPTS) return this.putAside(result, (err as Error)?.message ?? String(err));
          if (attempt >= PERMANENT_ATTEMPTS) throw err;
        }
      }
    } finally {
      this.inFlight.delete(result.matchId);
    }
  }

  /**
   * The results the store may not have yet (being written, or waiting in the outbox), frozen
   * now. Take it *before* reading a learner's progress: whatever lands in between then shows
   * in the progress's `applied` ids and is not counted twice.
   */
  async snapshot(): Promise<PendingResults> {
    const inFlight = [...this.inFlight.values()];
    // Never a list read before this call: a result recorded (and shown) before it is in it.
    const waiting = await this.waiting.get();
    // An unreadable entry (it waits for the writer to put it aside) counts for nobody.
    return new PendingResults([...inFlight, ...waiting].filter((r) => resultProblem(r) === undefined));
  }

  /** Results the store does not have yet, as last counted: being written, or in the outbox. */
  get pendingCount(): number {
    return this.inFlight.size + this.outboxCount;
  }

  /** Results waiting in the outbox (cluster-wide for the Redis stream), as last counted. */
  get outboxCount(): number {
    return this.boxes().reduce((n, b) => n + b.depth, 0);
  }

  /** Results this process wrote to the store since it started (a replay of a known one does not count). */
  get recordedCount(): number {
    return this.recorded;
  }

  /** Results the store refused for good, waiting for an operator. */
  get deadLetterCount(): number {
    return this.deadLetters.size;
  }

  /** Where results wait (for /admin). */
  get outboxWhere(): string[] {
    return this.boxes().map((b) => b.where);
  }

  listDeadLetters(): DeadLetter[] {
    return this.deadLetters.list();
  }

  /**
   * Tries the dead letters (all, or those of `matchIds`) again, straight into the store:
   * those it takes leave the dead letters; the others stay, with the new reason.
   */
  async replayDeadLetters(matchIds?: readonly string[]): Promise<{ replayed: string[]; failed: { matchId: string; reason: string }[] }> {
    const wanted = matchIds ? new Set(matchIds) : undefined;
    const replayed: string[] = [];
    const failed: { matchId: string; reason: string }[] = [];
    for (const letter of this.deadLetters.list().filter((d) => !wanted || wanted.has(d.matchId))) {
      const problem = resultProblem(letter.result);
      try {
        if (problem) throw new Error(`malformed result: ${problem}`);
        await this.apply(letter.result as MatchResult);
        replayed.push(letter.matchId);
      } catch (err) {
        failed.push({ matchId: letter.matchId, reason: (err as Error).message });
      }
    }
    if (replayed.length > 0) await this.deadLetters.remove(new Set(replayed));
    this.log.info({ replayed: replayed.length, failed: failed.length }, "dead letters: replayed");
    return { replayed, failed };
  }

  /**
   * Writes one result to the store; never two touching one learner at once. A write slower
   * than writeTimeoutMs is reported as an outage, but it goes on: its learners stay locked
   * until it settles, and a retry of the same result waits for that very write instead of
   * queueing another behind it (they piled up behind a hung database, one per retry).
   */
  private async apply(result: MatchResult): Promise<boolean> {
    let write = this.writes.get(result.matchId);
    if (!write) {
      const learners = [...new Set(result.players.filter((p) => !p.isBot).map((p) => p.userId))];
      const started = this.locks.run(learners, () => this.store.recordMatch(result)).then((applied) => {
        this.refusals.delete(result.matchId);
        if (applied) {
          this.recorded += 1;
          this.onApplied(result);
        }
        return applied;
      });
      write = started;
      this.writes.set(result.matchId, started);
      void started.then(
        () => this.writes.delete(result.matchId),
        () => this.writes.delete(result.matchId),
      );
    }
    return withTimeout(write, this.opts.writeTimeoutMs);
  }

  /** Something was appended: the writer looks at once. */
  private kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Waits for a kick, a stop, the store answering again, or `ms`. */
  private pause(ms = this.delay): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
      if (this.health && !this.health.isUp) void this.health.whenUp().then(done);
    }).finally(() => (this.wake = undefined));
  }

  /** The one writer of this process: takes batches from the outboxes until stopped. */
  private async run(): Promise<void> {
    while (!this.stopped) {
      this.kicked = false;
      let stalled: "store" | "outbox" | undefined;
      let wrote = 0;
      for (const box of this.boxes()) {
        if (stalled || this.stopped) break;
        let entries: OutboxEntry[];
        try {
          entries = await box.next(BATCH);
        } catch (err) {
          stalled = "outbox";
          this.log.debug({ err: (err as Error).message, outbox: box.where }, "outbox: could not be read; retrying");
          break;
        }
        try {
          if ((await this.writeBatch(box, entries)) === "stalled") stalled = "store";
        } catch (err) {
          // The outbox went away between the store's write and the removal: those results
          // are in the store, read again once it answers, and skipped by matchId.
          stalled = "outbox";
          this.log.debug({ err: (err as Error).message, outbox: box.where }, "outbox: written results could not be removed yet; retrying");
          break;
        }
        wrote += entries.length;
      }
      if (stalled) {
        if (stalled === "store") {
          this.health?.suspect();
          this.log.warn({ waiting: this.outboxCount, retryInMs: this.delay }, "outbox: results wait for the store");
        }
        await this.pause();
        this.delay = Math.min(this.delay * 2, MAX_RETRY_MS);
        continue;
      }
      this.delay = this.opts.retryMs;
      this.resumeStale();
      if (wrote === 0 && !this.kicked) await this.pause(IDLE_POLL_MS);
    }
  }

  /**
   * Writes a batch (learners' writes in parallel, each learner's in order) and removes what
   * the store took or what was put aside. "stalled" when the store is down: the rest stays.
   */
  private async writeBatch(box: Outbox, entries: OutboxEntry[]): Promise<"ok" | "stalled"> {
    if (entries.length === 0) return "ok";
    for (const e of entries) if (resultProblem(e.result) === undefined) this.inFlight.set(e.result.matchId, e.result);
    const outcomes = await Promise.all(entries.map((e) => this.writeEntry(e)));
    for (const e of entries) if (resultProblem(e.result) === undefined) this.inFlight.delete(e.result.matchId);
    const done = entries.filter((_, i) => outcomes[i] === "done").map((e) => e.id);
    await box.remove(done);
    if (done.length > 0) this.log.debug({ done: done.length, outbox: box.where }, "outbox: results written to the store or put aside");
    return outcomes.includes("outage") ? "stalled" : "ok";
  }

  /** "done": in the store or put aside; "outage": the store is down; "retry": refused, tried again next pass. */
  private async writeEntry({ result }: OutboxEntry): Promise<"done" | "outage" | "retry"> {
    const problem = resultProblem(result);
    if (problem) {
      await this.putAside(result, `malformed result: ${problem}`);
      return "done";
    }
    try {
      await this.apply(result);
      return "done";
    } catch (err) {
      if (isOutage(err)) {
        this.log.debug({ err: (err as Error).message, matchId: result.matchId }, "store unavailable: the result stays in the outbox");
        return "outage";
      }
      const attempts = (this.refusals.get(result.matchId) ?? 0) + 1;
      this.refusals.set(result.matchId, attempts);
      this.log.warn({ err, matchId: result.matchId, attempts }, "store refused a result");
      if (attempts < PERMANENT_ATTEMPTS) return "retry"; // tried again with the next pass
      await this.putAside(result, (err as Error)?.message ?? String(err));
      return "done";
    }
  }

  private async putAside(result: unknown, reason: string): Promise<void> {
    const matchId = typeof (result as MatchResult)?.matchId === "string" ? (result as MatchResult).matchId : `unknown-${Date.now()}`;
    await this.deadLetters.append({ matchId, failedAt: Date.now(), reason, result });
    this.refusals.delete(matchId);
    this.log.error({ matchId, reason, deadLetters: this.deadLetters.size, path: this.deadLetters.path }, "dead letters: a result the store refuses is put aside for an operator");
  }
}

/** A frozen list of results not yet known to be in the store. */
export class PendingResults {
  constructor(private readonly results: readonly MatchResult[]) {}

  /** XP of a learner's pending results, leaving out the match ids the store already applied. */
  xpFor(userId: string, applied: readonly string[]): number {
    let xp = 0;
    const seen = new Set(applied);
    for (const result of this.results) {
      if (seen.has(result.matchId)) continue;
      seen.add(result.matchId);
      const player = result.players.find((p) => p.userId === userId && !p.isBot);
      if (player) xp += xpFor(player, result);
    }
    return xp;
  }

  /** How many of these results finished before `at` (epoch ms): a league week waits for them before it is settled. */
  finishedBefore(at: number): number {
    return this.results.filter((r) => r.finishedAt < at).length;
  }

  /** The learners these results are for (their accounts must not be cleaned up meanwhile). */
  userIds(): string[] {
    return [...new Set(this.results.flatMap((r) => r.players.map((p) => p.userId)))];
  }
}
