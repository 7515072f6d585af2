/**
 * Recording finished duels without losing any: a result goes to the store; when the store
 * cannot take it (database down, timeout) it goes to an append-only outbox file and is
 * written later, in order, exactly once (the store ignores a matchId it already has).
 * Learners see the XP of outbox results at once (`xpFor`).
 */
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { MatchResult } from "../rooms/word-duel/services";
import { xpFor } from "./progress.rules";
import type { Logger } from "./logger";
import type { Store } from "./store/store";

/** The append-only outbox: one JSON result per line. A torn last line (crash mid-write) is skipped. */
export class FileOutbox {
  private entries: MatchResult[] = [];

  constructor(private readonly path: string) {}

  async load(log: Pick<Logger, "warn">): Promise<MatchResult[]> {
    let text = "";
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    this.entries = [];
    for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
      try {
        this.entries.push(JSON.parse(line) as MatchResult);
      } catch {
        log.warn({ path: this.path }, "outbox: skipped a torn line");
      }
    }
    return this.list();
  }

  list(): MatchResult[] {
    return this.entries.slice();
  }

  async append(result: MatchResult): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(result)}\n`, "utf8");
    this.entries.push(result);
  }

  /** Drops results that reached the store; rewrites the file atomically (temp file + rename). */
  async remove(matchIds: ReadonlySet<string>): Promise<void> {
    this.entries = this.entries.filter((r) => !matchIds.has(r.matchId));
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, this.entries.map((r) => `${JSON.stringify(r)}\n`).join(""), "utf8");
    await rename(tmp, this.path);
  }
}

export interface RecorderOptions {
  /** A store write slower than this counts as failed and goes to the outbox. */
  writeTimeoutMs: number;
  /** First retry delay of the outbox; doubles up to 30 s while the store stays down. */
  retryMs: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`store did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class ResultRecorder {
  private retryTimer?: NodeJS.Timeout;
  private delay: number;
  private flushing?: Promise<void>;
  private stopped = false;
  /** Results being written right now: pending too, until the store has them. */
  private inFlight = new Map<string, MatchResult>();

  constructor(
    private readonly store: Store,
    private readonly outbox: FileOutbox,
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
    if (left.length > 0) this.log.info({ results: left.length }, "outbox: results from an earlier run wait to be written");
    await this.store.resumePending().catch((err) => this.log.warn({ err }, "store: could not resume pending results yet"));
    this.kick(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.flushing;
  }

  /** Records a result now, or keeps it in the outbox when the store cannot take it. */
  async record(result: MatchResult): Promise<void> {
    this.inFlight.set(result.matchId, result);
    try {
      if (this.outbox.list().length === 0) {
        try {
          if (await withTimeout(this.store.recordMatch(result), this.opts.writeTimeoutMs)) this.onApplied(result);
          return;
        } catch (err) {
          this.log.warn({ err, matchId: result.matchId }, "store unavailable: result kept in the outbox");
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
    return this.inFlight.size + this.outbox.list().length;
  }

  /** Results waiting in the outbox. */
  get outboxCount(): number {
    return this.outbox.list().length;
  }

  private kick(ms: number): void {
    if (this.stopped || this.retryTimer || this.outbox.list().length === 0) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.flushing = this.flush().finally(() => (this.flushing = undefined));
    }, ms);
  }

  /** Writes outbox results in order until one fails; retries later with backoff. */
  async flush(): Promise<void> {
    const done = new Set<string>();
    try {
      for (const result of this.outbox.list()) {
        if (await withTimeout(this.store.recordMatch(result), this.opts.writeTimeoutMs)) this.onApplied(result);
        done.add(result.matchId);
      }
      this.delay = this.opts.retryMs;
    } catch (err) {
      this.log.warn({ err, waiting: this.outbox.list().length - done.size, retryInMs: this.delay }, "outbox: store still unavailable");
      this.delay = Math.min(this.delay * 2, 30_000);
    }
    if (done.size > 0) {
      await this.outbox.remove(done);
      this.log.info({ written: done.size }, "outbox: results written to the store");
    }
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
}
