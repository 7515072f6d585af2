/**
 * A lean simulated learner for big load runs (`npm run loadtest -- --lean`): the casual loop
 * of Learner.ts (guest sign-in, then joinOrCreate word_duel → wait for an opponent → play
 * every round → result → leave → join again), spoken directly over HTTP (lean-http.ts) and the
 * Colyseus 0.16 wire with `ws` (lean-wire.ts) instead of the client SDK and colyseus.js.
 *
 * What keeps it cheap: one schema class set shared by every learner (lean-wire.ts), no state
 * callbacks (after each patch it reads the few fields it needs), no closure per patch, one
 * timer (the think time) plus a process-wide sweep for its other deadlines (lean-watchdog.ts).
 *
 * It relies only on the state fields phase (its one-byte code), round, prompt, choices,
 * clockBase and phaseEnds (the round's end) and players[sessionId].answeredRound; the end is `duel_result` (its payload is not read),
 * `phase === "finished"`, or the socket closing. `error` messages are counted by code.
 * Answers and answer → patch latency are as in Learner.ts (answers.ts, metrics.ts): the
 * latency runs from sending the answer to the first patch showing its own `answered` for that
 * round, and that patch also counts as the answer accepted. Casual scenario only.
 */
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { backoffDelay } from "../../client-sdk/backoff";
import { deadlineOf, MSG_DUEL_RESULT, MSG_ERROR, PHASES, ROOM_WORD_DUEL } from "../../rooms/word-duel/messages";
import { pickAnswer } from "./answers";
import { joinOrCreate, LeanHttpError, roomUrl, signInGuest, type Reservation } from "./lean-http";
import { arm, disarm, type Expiring } from "./lean-watchdog";
import { answerFrame, JOIN_ACK, LEAVE, RoomWire, type WireListener } from "./lean-wire";
import type { ErrorBucket, LearnerSink } from "./metrics";
import type { LearnerOptions, LearnerState } from "./options";

/** An answer is sent at least this long before the round's end (as in duel-play.ts). */
const ANSWER_MARGIN_MS = 150;
/** The WebSocket upgrade, then JOIN_ROOM, must come within this long. */
const JOIN_TIMEOUT_MS = 10_000;
/** After LEAVE_ROOM the server must close within this long. */
const LEAVE_TIMEOUT_MS = 10_000;
/** Pause after a failed cycle, growing with consecutive failures (as in Learner.ts). */
const RETRY_BACKOFF = { baseMs: 250, maxMs: 4000 };

/** The state fields the lean learner reads (a reflected WordDuelState). */
interface DuelState {
  phase: number;
  round: number;
  prompt: string;
  choices: { toArray(): string[] } | undefined;
  clockBase: number;
  phaseEnds: number;
  players: { get(sessionId: string): { answeredRound: number } | undefined } | undefined;
}

const [WAITING, ROUND, FINISHED] = (["waiting", "round", "finished"] as const).map((p) => PHASES.indexOf(p));

const wantsPayload = (type: string) => type === MSG_ERROR || type === MSG_DUEL_RESULT;

export class LeanLearner implements WireListener, Expiring {
  state: LearnerState = "idle";
  private readonly rng: () => number;
  private stopped = false;
  private running?: Promise<void>;
  private wake?: () => void;
  private token?: string;
  // The duel being played (reset by joinDuel).
  private ws?: WebSocket;
  private wire?: RoomWire;
  private seat?: Reservation;
  private joinStartedAt = 0;
  private seatedAt = 0;
  private waitingForOpponent = false;
  private thinkRound = 0;
  private thinkTimer?: NodeJS.Timeout;
  private pendingRound = 0;
  private pendingSentAt = 0;
  private over = false;
  private leaving = false;
  private failed = false;
  private duelDone?: () => void;

  constructor(
    private readonly opts: LearnerOptions,
    private readonly sink: LearnerSink,
  ) {
    if (opts.scenario !== "casual") throw new Error(`the lean learner plays the casual scenario only (not ${opts.scenario})`);
    this.rng = opts.rng ?? Math.random;
    opts.signal?.addEventListener("abort", () => void this.stop(), { once: true });
  }

  /** Holds a room's WebSocket (counts as CCU). */
  get connected(): boolean {
    return this.state === "seated";
  }

  /** Starts the loop (once); the promise settles when the learner has stopped. */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  /** Leaves the duel it is in and resolves once the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (this.ws) this.leave();
    await this.running;
  }

  /** Handles one server frame (the socket's message handler; tests feed odd frames here). */
  readonly feed = (frame: Buffer): void => {
    this.wire?.read(frame);
  };

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.token) await this.signIn();
        else await this.duel();
        failures = this.failed ? failures + 1 : 0;
      } catch (err) {
        this.count(err instanceof LeanHttpError ? err.code : "UNEXPECTED", (err as Error).message ?? String(err));
        failures++;
      }
      this.state = "idle";
      if (failures > 0 && !this.stopped) await this.pause(backoffDelay(failures - 1, RETRY_BACKOFF, this.rng));
    }
    this.state = "idle";
  }

  private async signIn(): Promise<void> {
    this.state = "signing-in";
    const started = performance.now();
    this.token = await signInGuest(this.opts.endpoint, this.opts.name);
    this.sink.sample("signIn", performance.now() - started);
  }

  /** One seat reservation, one room connection, played to its end. */
  private async duel(): Promise<void> {
    const { endpoint, lang, mode, direction } = this.opts;
    this.state = "joining";
    this.joinStartedAt = performance.now();
    const seat = await joinOrCreate(endpoint, this.token!, ROOM_WORD_DUEL, { lang, mode, direction });
    if (this.stopped) return;
    this.seat = seat;
    this.thinkRound = this.pendingRound = 0;
    this.over = this.leaving = this.failed = this.waitingForOpponent = false;
    this.wire = new RoomWire(this, wantsPayload);
    const ws = new WebSocket(roomUrl(endpoint, seat), { perMessageDeflate: false, handshakeTimeout: JOIN_TIMEOUT_MS });
    this.ws = ws;
    ws.on("message", this.feed);
    ws.on("error", this.onSocketError);
    ws.once("close", this.onClose);
    arm(this, JOIN_TIMEOUT_MS);
    await new Promise<void>((resolve) => (this.duelDone = resolve));
  }

  // ─── the wire's calls ──────────────────────────────────────────────────────────────────

  joined(): void {
    disarm(this);
    this.send(JOIN_ACK);
    this.state = "seated";
    this.seatedAt = performance.now();
    this.sink.sample("join", this.seatedAt - this.joinStartedAt);
    this.waitingForOpponent = true;
  }

  stateChanged(): void {
    const s = this.wire!.state as unknown as DuelState;
    if (this.waitingForOpponent && s.phase !== WAITING) {
      this.waitingForOpponent = false;
      this.sink.sample("queueWait", performance.now() - this.seatedAt);
      this.sink.paired();
    }
    if (this.pendingRound !== 0 && s.round === this.pendingRound && s.players?.get(this.seat!.sessionId)?.answeredRound === s.round) {
      this.sink.sample("answerPatch", performance.now() - this.pendingSentAt);
      this.sink.answerAccepted();
      this.pendingRound = 0;
    }
    if (s.phase === ROUND && s.round !== this.thinkRound) this.roundStarted(s);
    else if (s.phase === FINISHED) this.ended();
  }

  message(type: string, payload: unknown): void {
    if (type === MSG_DUEL_RESULT) return this.ended();
    if (type !== MSG_ERROR) return;
    const e = (payload ?? {}) as { code?: unknown; message?: unknown };
    this.count(typeof e.code === "string" ? e.code : "LOADTEST_BAD_ERROR", typeof e.message === "string" ? e.message : JSON.stringify(payload));
  }

  wireError(code: string, message: string): void {
    // Before the join (an ERROR frame: the seat was refused) the close that follows says nothing new.
    if (this.state !== "seated") this.failed = true;
    this.count(code, message);
  }

  /** The JOIN_ROOM or the close after a leave did not come in time (lean-watchdog.ts). */
  expired(): void {
    if (this.leaving) this.count("LOADTEST_LEAVE_TIMEOUT", `the server did not close the duel within ${LEAVE_TIMEOUT_MS} ms of leaving`);
    else this.count("TIMEOUT", `the room did not let us in within ${JOIN_TIMEOUT_MS} ms`);
    this.failed = true;
    this.leaving = true;
    this.ws?.terminate();
  }

  // ─── playing ───────────────────────────────────────────────────────────────────────────

  /** Schedules this round's answer after the think time, never past the round's end. */
  private roundStarted(s: DuelState): void {
    this.thinkRound = s.round;
    const remaining = deadlineOf(s.clockBase, s.phaseEnds) - Date.now();
    if (remaining <= 0) return this.count("LOADTEST_ROUND_OVER", `round ${s.round} was already over when it reached the learner (${-remaining} ms late)`);
    const think = this.opts.thinkMs * (0.5 + this.rng());
    clearTimeout(this.thinkTimer);
    this.thinkTimer = setTimeout(this.answer, Math.min(think, Math.max(0, remaining - ANSWER_MARGIN_MS)));
  }

  private readonly answer = (): void => {
    this.thinkTimer = undefined;
    const s = this.wire?.state as unknown as DuelState | undefined;
    // The round may have closed early (the opponent forfeited): nothing to answer.
    if (!s || this.over || this.leaving || s.phase !== ROUND || s.round !== this.thinkRound) return;
    const choices = s.choices?.toArray() ?? [];
    const { text, right } = pickAnswer({ prompt: s.prompt, choices } as Parameters<typeof pickAnswer>[0], this.opts, this.rng, (err) => this.count(err.code, err.message));
    this.pendingRound = s.round;
    this.pendingSentAt = performance.now();
    this.sink.answerSent(right);
    this.send(answerFrame(text));
  };

  /** The duel has a result (or finished): counted once, then left. */
  private ended(): void {
    if (this.over) return;
    this.over = true;
    // After stop, results are forfeits caused by the stop itself: not part of the run.
    if (!this.stopped) this.sink.duelCompleted(this.seat!.roomId);
    this.leave();
  }

  private leave(): void {
    if (this.leaving || !this.ws) return;
    this.leaving = true;
    clearTimeout(this.thinkTimer);
    if (this.ws.readyState !== WebSocket.OPEN) return void this.ws.terminate();
    this.send(LEAVE);
    arm(this, LEAVE_TIMEOUT_MS);
  }

  private send(frame: Buffer): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  private readonly onSocketError = (err: Error): void => {
    // The close follows; a socket that fails while the learner leaves says nothing new.
    if (this.leaving) return;
    this.failed = true;
    const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
    this.count(status ? (status === "429" ? "RATE_LIMITED" : "ROOM_UNAVAILABLE") : "NETWORK", `the room's connection failed: ${err.message}`);
  };

  private readonly onClose = (code: number, reason: Buffer): void => {
    disarm(this);
    clearTimeout(this.thinkTimer);
    this.thinkTimer = undefined;
    if (!this.leaving && !this.over && !this.failed) {
      const text = reason.toString();
      this.failed = true;
      this.count(/^([A-Z][A-Z0-9_]+): /.exec(text)?.[1] ?? "LOADTEST_DUEL_CLOSED", `the server closed the duel (code ${code}${text ? `, ${text}` : ""}) before its result`);
    }
    this.ws?.removeAllListeners();
    this.ws = undefined;
    this.wire = undefined;
    this.state = "idle";
    const done = this.duelDone;
    this.duelDone = undefined;
    done?.();
  };

  // ─── helpers ───────────────────────────────────────────────────────────────────────────

  private count(code: string, message: string): void {
    const bucket: ErrorBucket = this.stopped ? "duringStop" : "errors";
    this.sink.error(code, message, bucket);
  }

  /** Waits `ms`, or less if the learner is stopped meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
