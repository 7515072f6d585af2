/**
 * A learner of the fault-injection run: signs in as a guest through the client SDK, then
 * plays duels in a loop (casual: `joinDuel`; ranked: `findRankedDuel`), answering every round
 * as learner/duel-play.ts does, and writes what it sees into the {@link Journal}: each
 * `duel_result` with the XP shown to it, each join with its time or its error, each duel that
 * forms, each session that ends without a result.
 *
 * Its HTTP goes to one game process; after any failed step it moves to the next one, keeping
 * its token (as a proxy in front of the cluster would route around a process that is gone).
 * Wind-down: it starts nothing new, leaves a queue or a duel still waiting for an opponent,
 * and finishes a duel already under way; stop: it leaves whatever it is in.
 */
import { LinguaLeapClient, LinguaLeapError, type DuelSession, type RankedSearch } from "../../../client-sdk";
import { backoffDelay } from "../../../client-sdk/backoff";
import { pickAnswer } from "../../learner/answers";
import { playDuel, type DuelPlayer } from "../../learner/duel-play";
import type { JoinKind, Journal } from "./Journal";
import type { LearnerSink } from "../../learner/metrics";

export interface FaultLearnerOptions {
  index: number;
  /** HTTP bases of every game process. */
  endpoints: string[];
  scenario: "casual" | "ranked";
  accuracy: number;
  thinkMs: number;
  /** Mean pause between two duels. */
  restMs: number;
}

const DUEL = { lang: "es", mode: "choice", direction: "en-target" } as const;
/** No join or queue may take longer than this; a learner stuck in a queue leaves it after QUEUE_STUCK_MS. */
const JOIN_TIMEOUT_MS = 30_000;
const QUEUE_STUCK_MS = 30_000;
const RETRY = { baseMs: 250, maxMs: 2000 };

/** The port of the process a duel's WebSocket is open to (from colyseus.js's socket URL), 0 when unknown. */
function portOf(duel: DuelSession): number {
  const url = (duel as unknown as { room?: { connection?: { transport?: { ws?: { url?: string } } } } }).room?.connection?.transport?.ws?.url;
  const m = url ? /^wss?:\/\/[^/]+:(\d+)\//.exec(url) : null;
  return m ? Number(m[1]) : 0;
}

function codeOf(err: unknown): string {
  return err instanceof LinguaLeapError ? err.code : "UNEXPECTED";
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Rejects with LOADTEST_JOIN_TIMEOUT after `ms`; a late success is left at once. */
function bounded<T>(promise: Promise<T>, ms: number, leave: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new LinguaLeapError("LOADTEST_JOIN_TIMEOUT", `no answer within ${ms} ms`));
    }, ms);
  });
  promise.then((v) => timedOut && leave(v), () => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class FaultLearner {
  private via: number;
  private client: LinguaLeapClient;
  private token?: string;
  userId = "";

  constructor(
    private readonly opts: FaultLearnerOptions,
    private readonly journal: Journal,
    private readonly windDown: AbortSignal,
    private readonly stop: AbortSignal,
  ) {
    this.via = opts.index % opts.endpoints.length;
    this.client = new LinguaLeapClient(opts.endpoints[this.via]);
  }

  private get viaPort(): number {
    return Number(new URL(this.opts.endpoints[this.via]).port);
  }

  /**
   * Plays until wind-down; resolves once its last duel is over. The first duel comes after a
   * pause drawn from 0–restMs, so learners arrive at the steady rate from the start.
   */
  async run(): Promise<void> {
    let failures = 0;
    while (!this.windDown.aborted) {
      try {
        if (!this.token) {
          await this.signIn();
          await this.pause(this.opts.restMs * Math.random());
          continue;
        }
        // After a result, a rest; after a duel cut short, another try soon (as a learner would).
        if (await this.cycle()) {
          failures = 0;
          await this.pause(this.opts.restMs * (0.5 + Math.random()));
        } else await this.pause(backoffDelay(failures++, RETRY));
      } catch {
        this.rotate();
        await this.pause(backoffDelay(failures++, RETRY));
      }
    }
  }

  /** The next process, same token. */
  private rotate(): void {
    this.via = (this.via + 1) % this.opts.endpoints.length;
    this.client = new LinguaLeapClient(this.opts.endpoints[this.via], { token: this.token });
  }

  private async signIn(): Promise<void> {
    try {
      const user = await this.client.signInAsGuest(`Fault ${this.opts.index}`);
      this.token = this.client.token;
      this.userId = user.id;
    } catch (err) {
      this.journal.event("", "sign-in", codeOf(err), messageOf(err));
      throw err;
    }
  }

  /** One join and one duel; true when the duel ended with a result. */
  private async cycle(): Promise<boolean> {
    const duel = this.opts.scenario === "casual" ? await this.joinCasual() : await this.queue();
    return duel ? this.play(duel) : false;
  }

  /** Times a join and writes it down, failed or not. */
  private async timed<T>(kind: JoinKind, t: number, start: number, join: Promise<T>, portOfValue: (v: T) => number): Promise<T> {
    try {
      const value = await join;
      this.journal.join({ t, kind, ms: Date.now() - start, ok: true, via: this.viaPort, port: portOfValue(value) });
      return value;
    } catch (err) {
      this.journal.join({ t, kind, ms: Date.now() - start, ok: false, code: codeOf(err), message: messageOf(err).slice(0, 200), via: this.viaPort, port: 0 });
      throw err;
    }
  }

  private joinCasual(): Promise<DuelSession> {
    const join = bounded(this.client.joinDuel(DUEL), JOIN_TIMEOUT_MS, (d) => void d.leave().catch(() => undefined));
    return this.timed("duel", this.journal.time(), Date.now(), join, portOf);
  }

  /** Queues and takes the seat; undefined when the queue was left (wind-down, stuck). */
  private async queue(): Promise<DuelSession | undefined> {
    const open = bounded(this.client.findRankedDuel(DUEL), JOIN_TIMEOUT_MS, (s) => void s.cancel().catch(() => undefined));
    const search = await this.timed("queue", this.journal.time(), Date.now(), open, () => 0);
    let matched: { t: number; at: number } | undefined;
    search.on("matched", () => (matched = { t: this.journal.time(), at: Date.now() }));
    search.on("requeueing", ({ attempt }) => this.journal.event(this.userId, "requeueing", "QUEUE_REQUEUEING", `the queue's connection dropped (attempt ${attempt})`));
    try {
      const duel = await this.seatOrLeave(search);
      if (duel && matched) this.journal.join({ t: matched.t, kind: "seat", ms: Date.now() - matched.at, ok: true, via: this.viaPort, port: portOf(duel) });
      return duel;
    } catch (err) {
      if (matched) this.journal.join({ t: matched.t, kind: "seat", ms: Date.now() - matched.at, ok: false, code: codeOf(err), message: messageOf(err).slice(0, 200), via: this.viaPort, port: 0 });
      else this.journal.event(this.userId, "queue lost", codeOf(err), messageOf(err));
      throw err;
    }
  }

  private seatOrLeave(search: RankedSearch): Promise<DuelSession | undefined> {
    return new Promise((resolve, reject) => {
      let leaving = false;
      const leave = (why?: string) => {
        if (leaving) return;
        leaving = true;
        clearTimeout(stuck);
        if (why) this.journal.event(this.userId, "queue stuck", "LOADTEST_QUEUE_STUCK", why);
        void search.cancel().catch(() => undefined).finally(() => resolve(undefined));
      };
      const stuck = setTimeout(() => leave(`still queued after ${QUEUE_STUCK_MS} ms`), QUEUE_STUCK_MS);
      const onWindDown = () => leave();
      if (this.windDown.aborted) return onWindDown();
      this.windDown.addEventListener("abort", onWindDown, { once: true });
      search.duel.then(
        (d) => {
          clearTimeout(stuck);
          this.windDown.removeEventListener("abort", onWindDown);
          if (leaving) return void d.leave().catch(() => undefined);
          resolve(d);
        },
        (err) => {
          clearTimeout(stuck);
          this.windDown.removeEventListener("abort", onWindDown);
          if (!leaving) reject(err);
        },
      );
    });
  }

  /** Plays the duel to its end, writing down what it sees; true when it saw the result. */
  private async play(duel: DuelSession): Promise<boolean> {
    let gotResult = false;
    let troubleT: number | undefined;
    let leftOnPurpose = false;
    const formed = () => this.journal.formedDuel(duel.roomId, portOf(duel));
    const offs = [
      duel.on("phase", ({ phase }) => phase !== "waiting" && formed()),
      duel.on("result", (r) => {
        gotResult = true;
        const me = r.standings.find((s) => s.sessionId === duel.sessionId);
        if (!me) return this.journal.event(this.userId, "result", "LOADTEST_NOT_IN_RESULT", `duel_result ${r.matchId} has no standing for this learner`);
        this.journal.result({ userId: this.userId, matchId: r.matchId, xp: me.xp, forfeited: me.forfeited, roomId: duel.roomId, port: portOf(duel) });
      }),
      duel.on("reconnecting", () => (troubleT ??= this.journal.time())),
      duel.on("closed", ({ code, error }) => {
        if (gotResult || leftOnPurpose) return;
        this.journal.cutSession({ userId: this.userId, roomId: duel.roomId, port: portOf(duel), code: error?.code ?? `CLOSE_${code}`, troubleT });
      }),
    ];
    if (duel.view && duel.view.phase !== "waiting") formed();
    // Wind-down: a duel still waiting for its opponent is left (nothing to lose yet).
    const onWindDown = () => {
      if (duel.view?.phase !== "waiting" && duel.view !== undefined) return;
      leftOnPurpose = true;
      void duel.leave().catch(() => undefined);
    };
    if (this.windDown.aborted) onWindDown();
    else this.windDown.addEventListener("abort", onWindDown, { once: true });
    try {
      await playDuel(duel, this.player(() => leftOnPurpose));
    } finally {
      this.windDown.removeEventListener("abort", onWindDown);
      for (const off of offs) off();
    }
    if (!gotResult && !leftOnPurpose) this.rotate();
    return gotResult;
  }

  /** What duel-play needs; `leftOnPurpose`: the close that follows our own wind-down leave is no error. */
  private player(leftOnPurpose: () => boolean): DuelPlayer {
    const sink: LearnerSink = {
      sample: () => undefined,
      paired: () => undefined,
      duelCompleted: () => undefined,
      answerSent: () => undefined,
      answerAccepted: () => undefined,
      error: (code, message) => (code === "LOADTEST_DUEL_CLOSED" && leftOnPurpose() ? undefined : this.journal.event(this.userId, "duel", code, message)),
    };
    return {
      sink,
      signal: this.stop,
      count: (err) => sink.error(codeOf(err), messageOf(err), "errors"),
      thinkTime: () => this.opts.thinkMs * (0.5 + Math.random()),
      pickAnswer: (r) => pickAnswer(r, { ...DUEL, accuracy: this.opts.accuracy }, Math.random, (err) => sink.error(err.code, err.message, "errors")),
      ended: () => undefined,
    };
  }

  /** Waits `ms`, less if wind-down starts. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.windDown.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.windDown.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.windDown.addEventListener("abort", done, { once: true });
    });
  }
}
