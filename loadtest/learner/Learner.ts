/**
 * One simulated learner for the load tests (bot.ts under @colyseus/loadtest, shard.ts under
 * harness.ts). It signs in as a guest, then loops until stopped:
 *
 * - ranked:  findRankedDuel → matched → seated → plays every round → result → queues again;
 * - casual:  joinDuel (word_duel) → waits for an opponent → plays → result → joins again;
 * - pairing: findRankedDuel → matched → seated → leaves at once → queues again (it measures
 *            matchmaking; an opponent who left first ends the duel with DUEL_NO_SHOW, which is
 *            expected here and counted apart).
 *
 * Each round it answers after a think time drawn uniformly from 0.5–1.5 × `thinkMs`, never
 * past the round's end, and is right with probability `accuracy` (duel-play.ts, answers.ts).
 * It measures sign-in, queue wait (queued → matched), join (matched → seated) and answer →
 * patch latency. Every error is counted by its LinguaLeapError code; nothing is dropped
 * silently.
 */
import { performance } from "node:perf_hooks";
import { LinguaLeapClient, LinguaLeapError, type DuelSession, type RankedSearch } from "../../client-sdk";
import { backoffDelay } from "../../client-sdk/backoff";
import { pickAnswer } from "./answers";
import { leaveDuel, playDuel, type DuelPlayer } from "./duel-play";
import type { Direction, LearnerOptions, LearnerState, Mode } from "./options";
import type { ErrorBucket, LearnerSink } from "./metrics";

const DEFAULT_QUEUE_TIMEOUT_MS = 30_000;
/** Pause after a failed cycle, growing with consecutive failures so a dead server is not hammered. */
const RETRY_BACKOFF = { baseMs: 250, maxMs: 4000 };

export class Learner {
  state: LearnerState = "idle";
  /** Resolves the first time the learner is in a queue or a duel; rejects if it fails before that. */
  readonly ready: Promise<void>;
  private readonly abort = new AbortController();
  private readonly client: LinguaLeapClient;
  private readonly rng: () => number;
  /** Errors already counted (the SDK hands the same error to an event and to a rejection). */
  private readonly counted = new WeakSet<object>();
  private running?: Promise<void>;
  private settleReady?: { resolve: () => void; reject: (err: unknown) => void };

  constructor(
    private readonly opts: LearnerOptions,
    private readonly sink: LearnerSink,
  ) {
    this.rng = opts.rng ?? Math.random;
    this.client = new LinguaLeapClient(opts.endpoint);
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined); // shards never await it
    if (opts.signal?.aborted) this.abort.abort();
    opts.signal?.addEventListener("abort", () => this.abort.abort(), { once: true });
  }

  /** Holds an open WebSocket (queue or duel). */
  get connected(): boolean {
    return this.state === "queued" || this.state === "seated";
  }

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  /** Starts the loop (once); the promise settles when the learner has stopped. */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  /** Leaves whatever queue or duel it is in and resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!this.client.token) await this.signIn();
        else await this.cycle();
        failures = 0;
      } catch (err) {
        this.count(err);
        this.settleReady?.reject(err);
        this.state = "idle";
        await this.pause(backoffDelay(failures++, RETRY_BACKOFF, this.rng));
      }
    }
    this.state = "idle";
    this.settleReady?.reject(new LinguaLeapError("LOADTEST_STOPPED", "stopped before it was connected"));
  }

  private markReady(): void {
    this.settleReady?.resolve();
  }

  private async signIn(): Promise<void> {
    this.state = "signing-in";
    const started = performance.now();
    await this.client.signInAsGuest(this.opts.name);
    this.sink.sample("signIn", performance.now() - started);
    this.state = "idle";
  }

  /** One queue (or join) and one duel. */
  private async cycle(): Promise<void> {
    if (this.opts.scenario === "casual") {
      const started = performance.now();
      this.state = "joining";
      const duel = await this.client.joinDuel(this.duelOptions());
      this.state = "seated";
      this.markReady();
      this.sink.sample("join", performance.now() - started);
      return this.play(duel, performance.now());
    }
    const duel = await this.queue();
    if (!duel) return;
    if (this.opts.scenario === "pairing") return this.leaveAtOnce(duel);
    return this.play(duel);
  }

  private duelOptions(): { lang: string; mode: Mode; direction: Direction } {
    const { lang, mode, direction } = this.opts;
    return { lang, mode, direction };
  }

  /** Queues for a ranked duel and takes the seat; undefined when stopped while waiting. */
  private async queue(): Promise<DuelSession | undefined> {
    this.state = "joining";
    const search = await this.client.findRankedDuel(this.duelOptions());
    const queuedAt = performance.now();
    let matchedAt = NaN;
    this.state = "queued";
    this.markReady();
    search.on("matched", () => (matchedAt = performance.now()));
    search.on("requeueing", ({ attempt }) => this.count(new LinguaLeapError("QUEUE_REQUEUEING", `the queue's connection dropped; queueing again (attempt ${attempt})`)));
    const duel = await this.seatOrCancel(search, () => !Number.isNaN(matchedAt));
    if (!duel) return undefined;
    const seatedAt = performance.now();
    this.state = "seated";
    this.sink.sample("queueWait", matchedAt - queuedAt);
    this.sink.sample("join", seatedAt - matchedAt);
    this.sink.paired();
    return duel;
  }

  /** The search's duel; undefined once cancelled because the learner stopped or was stuck in the queue. */
  private seatOrCancel(search: RankedSearch, matched: () => boolean): Promise<DuelSession | undefined> {
    const timeoutMs = this.opts.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
    return new Promise<DuelSession | undefined>((resolve, reject) => {
      // Stopped (or stuck) while waiting: cancel; duel then rejects with QUEUE_CANCELLED,
      // which is ours. A match arriving at that very moment may still take its seat inside
      // the SDK; that seat is never surfaced and ends when the process does.
      let cancelling = false;
      const cancel = () => {
        if (cancelling) return;
        cancelling = true;
        clearTimeout(watchdog);
        this.abort.signal.removeEventListener("abort", cancel);
        void search.cancel().catch((err) => this.count(err)).finally(() => resolve(undefined));
      };
      const watchdog = setTimeout(() => {
        this.count(new LinguaLeapError("LOADTEST_QUEUE_STUCK", `still in the queue after ${timeoutMs} ms (matched ${matched() ? "but not seated" : "never"}): queueing again`));
        cancel();
      }, timeoutMs);
      if (this.stopping) return cancel();
      this.abort.signal.addEventListener("abort", cancel, { once: true });
      const settled = () => {
        clearTimeout(watchdog);
        this.abort.signal.removeEventListener("abort", cancel);
      };
      search.duel.then(
        (d) => {
          settled();
          resolve(d);
        },
        (err) => {
          settled();
          if (!cancelling) reject(err);
        },
      );
    });
  }

  /** Pairing: the seat was taken, which is all this scenario measures. */
  private async leaveAtOnce(duel: DuelSession): Promise<void> {
    const offs = [duel.on("error", (e) => this.count(e)), duel.on("closed", ({ error }) => error && this.count(error))];
    await leaveDuel(duel, (err) => this.count(err));
    for (const off of offs) off();
    this.state = "idle";
  }

  /** Plays a duel to its end and leaves it (duel-play.ts); `casualSeatedAt` marks a casual duel. */
  private play(duel: DuelSession, casualSeatedAt?: number): Promise<void> {
    const player: DuelPlayer = {
      sink: this.sink,
      signal: this.abort.signal,
      count: (err) => this.count(err),
      thinkTime: () => this.thinkTime(),
      pickAnswer: (r) => pickAnswer(r, this.opts, this.rng, (err) => this.count(err)),
      ended: () => (this.state = "idle"),
    };
    return playDuel(duel, player, casualSeatedAt);
  }

  /** Think time: uniform in 0.5–1.5 × the mean. */
  private thinkTime(): number {
    return this.opts.thinkMs * (0.5 + this.rng());
  }

  /** Counts an error once, in the bucket it belongs to. */
  private count(err: unknown): void {
    if (typeof err === "object" && err !== null) {
      if (this.counted.has(err)) return;
      this.counted.add(err);
    }
    const code = err instanceof LinguaLeapError ? err.code : "UNEXPECTED";
    const message = err instanceof Error ? err.message : String(err);
    this.sink.error(code, message, this.bucketOf(code));
  }

  private bucketOf(code: string): ErrorBucket {
    if (this.stopping) return "duringStop";
    if (this.opts.scenario === "pairing" && code === "DUEL_NO_SHOW") return "expected";
    return "errors";
  }

  /** Waits `ms`, or less if the learner is stopped meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopping) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.abort.signal.addEventListener("abort", done, { once: true });
    });
  }
}
