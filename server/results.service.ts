/**
 * Recording finished duels without losing any: a result goes to the store; when the store
 * cannot take it (database down, timeout) it goes to an append-only outbox file and is
 * written later, in order, exactly once (the store ignores a matchId it already has).
 * Learners see the XP of outbox results at once (`xpFor`).
 *
 * A result the store refuses for good never blocks the ones behind it: a malformed result,
 * or one that fails {@link PERMANENT_ATTEMPTS} times with an error that is not an outage,
 * moves to the dead letters (another append-only file), is logged and counted, and waits
 * there for an operator to replay it (`POST /admin/dead-letters/replay`) once the cause is
 * fixed.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { MatchResult } from "../rooms/word-duel/services";
import { resultProblem, xpFor } from "./progress.rules";
import type { Logger } from "./logger";
import type { Store } from "./store/store";

/**
 * An append-only file of JSON lines, one entry each, kept in memory too. A torn last line
 * (a crash mid-write) is skipped on load; removals rewrite the file atomically.
 */
export class JsonLines<T> {
  private entries: T[] = [];

  constructor(
    readonly path: string,
    private readonly keyOf: (entry: T) => string,
  ) {}

  async load(log: Pick<Logger, "warn">): Promise<T[]> {
    let text = "";
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    this.entries = [];
    for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
      try {
        this.entries.push(JSON.parse(line) as T);
      } catch {
        log.warn({ path: this.path }, "skipped a torn line");
      }
    }
    return this.list();
  }

  list(): T[] {
    return this.entries.slice();
  }

  get size(): number {
    return this.entries.length;
  }

  async append(entry: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(entry)}\n`, "utf8");
    this.entries.push(entry);
  }

  /** Drops the entries with these keys; rewrites the file atomically (temp file + rename). */
  async remove(keys: ReadonlySet<string>): Promise<void> {
    this.entries = this.entries.filter((e) => !keys.has(this.keyOf(e)));
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(""), "utf8");
    await rename(tmp, this.path);
  }
}

/** The outbox: results the store could not take yet. */
export class FileOutbox extends JsonLines<MatchResult> {
  constructor(path: string) {
    super(path, (r) => r.matchId);
  }
}

/** A result the store refused for good, with why. */
export interface DeadLetter {
  matchId: string;
  /** Epoch ms of the last failure. */
  failedAt: number;
  reason: string;
  /** The result as it came (it may be malformed: that can be the reason). */
  result: unknown;
}

export class DeadLetters extends JsonLines<DeadLetter> {
  constructor(path: string) {
    super(path, (d) => d.matchId);
  }
}

export interface RecorderOptions {
  /** A store write slower than this counts as failed and goes to the outbox. */
  writeTimeoutMs: number;
  /** First retry delay of the outbox; doubles up to 30 s while the store stays down. */
  retryMs: number;
}

/** Failures (not outages) a result may have before it is put aside as a dead letter. */
export const PERMANENT_ATTEMPTS = 3;

class StoreTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeout(`store did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** MongoDB server codes that mean "not now" (shutting down, no primary, network). */
const MONGO_OUTAGE_CODES = new Set([6, 7, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);

/**
 * True when an error means the store is unreachable or busy right now (retry later, in
 * order); false when it refused this result (retrying changes nothing).
 */
export function isOutage(err: unknown): boolean {
  if (err instanceof StoreTimeout) return true;
  const e = err as { name?: string; code?: unknown; hasErrorLabel?: (label: string) => boolean } | null;
  if (!e || typeof e !== "object") return false;
  if (/^Mongo(ServerSelection|Network|NotConnected|Topology|PoolClosed|WaitQueueTimeout|NetworkTimeout)/.test(e.name ?? "")) return true;
  if (typeof e.hasErrorLabel === "function" && (e.hasErrorLabel("RetryableWriteError") || e.hasErrorLabel("NetworkError") || e.hasErrorLabel("ResetPool"))) return true;
  if (typeof e.code === "number" && MONGO_OUTAGE_CODES.has(e.code)) return true;
  return typeof e.code === "string" && NETWORK_CODES.has(e.code);
}

export class ResultRecorder {
  private retryTimer?: NodeJS.Timeout;
  private delay: number;
  private flushing?: Promise<void>;
  private stopped = false;
  /** Results being written right now: pending too, until the store has them. */
  private inFlight = new Map<string, MatchResult>();
  /** Failures that were not outages, per matchId (in memory: a restart gives a result new chances). */
  private refusals = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly outbox: FileOutbox,
    private readonly deadLetters: DeadLetters,
    private readonly log: Logger,
    private readonly opts: RecorderOptions,
    /** Called after a result reached the store (live leaderboards listen). */
    private readonly onApplied: (result: MatchResult) => void = () => undefined,
  ) {
    this.delay = opts.retryMs;
  }

  /** Loads what an earlier run left in the outbox, finishes half-applied results, then flushes. */
  async start(): Promise<void> {
    const left = await this.outbox.load(this.log);
    const dead = await this.deadLetters.load(this.log);
    if (left.length > 0) this.log.info({ results: left.length }, "outbox: results from an earlier run wait to be written");
    if (dead.length > 0) this.log.warn({ results: dead.length, path: this.deadLetters.path }, "dead letters: results the store refused wait for an operator (GET /admin/dead-letters)");
    await this.store.resumePending().catch((err) => this.log.warn({ err }, "store: could not resume every pending result yet"));
    this.kick(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.flushing;
  }

  /** Records a result now, or keeps it in the outbox when the store cannot take it. */
  async record(result: MatchResult): Promise<void> {
    const problem = resultProblem(result);
    if (problem) return this.putAside(result, `malformed result: ${problem}`);
    this.inFlight.set(result.matchId, result);
    try {
      if (this.outbox.size === 0) {
        try {
          if (await withTimeout(this.store.recordMatch(result), this.opts.writeTimeoutMs)) this.onApplied(result);
          return;
        } catch (err) {
          this.failed(result, err);
        }
      }
      // Behind older outbox entries the result waits its turn, so results apply in order.
      await this.outbox.append(result);
      this.kick(this.delay);
    } finally {
      this.inFlight.delete(result.matchId);
    }
  }

  /**
   * The results the store may not have yet (being written, or in the outbox), frozen now.
   * Take it *before* reading a learner's progress: whatever lands in between then shows in
   * the progress's `applied` ids and is not counted twice.
   */
  snapshot(): PendingResults {
    return new PendingResults([...this.inFlight.values(), ...this.outbox.list()]);
  }

  /** Results the store does not have yet: being written, or in the outbox. */
  get pendingCount(): number {
    return this.inFlight.size + this.outbox.size;
  }

  /** Results waiting in the outbox. */
  get outboxCount(): number {
    return this.outbox.size;
  }

  /** Results the store refused for good, waiting for an operator. */
  get deadLetterCount(): number {
    return this.deadLetters.size;
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
        const result = letter.result as MatchResult;
        if (await withTimeout(this.store.recordMatch(result), this.opts.writeTimeoutMs)) this.onApplied(result);
        replayed.push(letter.matchId);
      } catch (err) {
        failed.push({ matchId: letter.matchId, reason: (err as Error).message });
      }
    }
    if (replayed.length > 0) await this.deadLetters.remove(new Set(replayed));
    this.log.info({ replayed: replayed.length, failed: failed.length }, "dead letters: replayed");
    return { replayed, failed };
  }

  /** Notes a failure; true when the result has been refused often enough to put it aside. */
  private failed(result: MatchResult, err: unknown): boolean {
    if (isOutage(err)) {
      this.log.warn({ err, matchId: result.matchId }, "store unavailable: result kept in the outbox");
      return false;
    }
    const attempts = (this.refusals.get(result.matchId) ?? 0) + 1;
    this.refusals.set(result.matchId, attempts);
    this.log.warn({ err, matchId: result.matchId, attempts }, "store refused a result");
    return attempts >= PERMANENT_ATTEMPTS;
  }

  private async putAside(result: unknown, reason: string): Promise<void> {
    const matchId = typeof (result as MatchResult)?.matchId === "string" ? (result as MatchResult).matchId : `unknown-${Date.now()}`;
    await this.deadLetters.append({ matchId, failedAt: Date.now(), reason, result });
    this.refusals.delete(matchId);
    this.log.error({ matchId, reason, deadLetters: this.deadLetters.size, path: this.deadLetters.path }, "dead letters: a result the store refuses is put aside for an operator");
  }

  private kick(ms: number): void {
    if (this.stopped || this.retryTimer || this.outbox.size === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flushing = this.flush().finally(() => (this.flushing = undefined));
    }, ms);
  }

  /**
   * Writes outbox results in order. An outage stops the pass (retried later with backoff,
   * still in order); a result refused {@link PERMANENT_ATTEMPTS} times is put aside and the
   * pass goes on with the next.
   */
  async flush(): Promise<void> {
    const done = new Set<string>();
    let stalled = false;
    for (const result of this.outbox.list()) {
      try {
        if (await withTimeout(this.store.recordMatch(result), this.opts.writeTimeoutMs)) this.onApplied(result);
        this.refusals.delete(result.matchId);
      } catch (err) {
        if (!this.failed(result, err)) {
          stalled = true;
          break;
        }
        await this.putAside(result, (err as Error)?.message ?? String(err));
      }
      done.add(result.matchId);
    }
    if (done.size > 0) {
      await this.outbox.remove(done);
      this.log.info({ done: done.size }, "outbox: results written to the store or put aside");
    }
    if (stalled) {
      this.log.warn({ waiting: this.outbox.size, retryInMs: this.delay }, "outbox: results wait for the store");
      this.delay = Math.min(this.delay * 2, 30_000);
    } else this.delay = this.opts.retryMs;
    this.kick(this.delay);
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

  /** The learners these results are for (their accounts must not be cleaned up meanwhile). */
  userIds(): string[] {
    return [...new Set(this.results.flatMap((r) => r.players.map((p) => p.userId)))];
  }
}
