import type { Room } from "colyseus.js";
import * as msg from "../rooms/word-duel/messages";
import type { BackoffOptions } from "./backoff";
import { Emitter } from "./emitter";
import { LinguaLeapError } from "./errors";
import { reconnectSeat } from "./reconnect";
import type { Matchmaker, Seat } from "./Matchmaker";
import { DEFAULT_RECONNECT_SECONDS, duelResultOf, roundResultOf, toView, type DecodedDuel, type DuelResult, type DuelView, type RoundResult } from "./duel-view";

export type { DuelResult, DuelView, PlayerRoundResult, PlayerView, RoundResult } from "./duel-view";

/** What `answer()` resolves with: the round the server took the answer for. */
export interface AnswerTaken {
  round: number;
}

/** Events of a duel and what each carries. */
export interface DuelEvents {
  /** Every state change (a new snapshot). */
  state: DuelView;
  /** The phase changed. */
  phase: { phase: msg.Phase; round: number };
  /** A round started: draw the prompt, the choices and a countdown to `roundEndsAt` (the state's `phaseEndsAt`). */
  round: { round: number; prompt: string; choices: string[]; roundEndsAt: number; roundMs: number };
  /** A round closed: the right answer and everyone's verdict and points. */
  reveal: RoundResult;
  /** The duel finished, its result kept on the server. */
  result: DuelResult;
  /** The server refused something this client sent. */
  error: LinguaLeapError;
  /** The connection dropped; the SDK is trying again. */
  reconnecting: { attempt: number; delayMs: number };
  /** Back in the duel after a drop. */
  reconnected: { attempts: number };
  /** The session is over: left, finished and closed, or lost (then `error` is set). */
  closed: { code: number; error?: LinguaLeapError };
}

export interface DuelSessionOptions {
  backoff?: BackoffOptions;
  /** Give up reconnecting after this long (default: as long as the server keeps the seat, its `reconnectSeconds`). */
  reconnectForMs?: number;
  /** How long `answer()` waits for the server's reply. */
  answerTimeoutMs?: number;
}

const CONSENTED = 4000;
/**
 * Closes after which there is nothing to reconnect to, and the error the session ends with.
 * Where the server explains itself in an `error` message just before (shutdown, no-show,
 * wait expired), that message is the one kept.
 */
const FINAL_CLOSES: Record<number, { code: string; message: string; explainedBy?: readonly string[] }> = {
  [msg.CLOSE_FLOODING]: { code: "DUEL_RATE_LIMITED", message: "disconnected for sending too many messages" },
  // 4503 also ends a duel whose result could not be saved (INTERNAL): that is what the learner is told then.
  [msg.CLOSE_SERVER_SHUTDOWN]: { code: "DUEL_SERVER_SHUTDOWN", message: "the server stopped this duel: join again", explainedBy: ["DUEL_SERVER_SHUTDOWN", "INTERNAL"] },
  [msg.CLOSE_NO_SHOW]: { code: "DUEL_NO_SHOW", message: "your opponent did not arrive: look for another duel", explainedBy: ["DUEL_NO_SHOW"] },
  [msg.CLOSE_WAIT_EXPIRED]: { code: "DUEL_WAIT_EXPIRED", message: "nobody joined this duel in time: look for another", explainedBy: ["DUEL_WAIT_EXPIRED"] },
  [msg.CLOSE_BAD_FRAME]: { code: "ROOM_BAD_FRAME", message: "the server could not read what this client sent" },
};

/**
 * A learner's seat in a word duel or practice. Created by `LinguaLeapClient.joinDuel()` or
 * `.practice()`. Reconnects by itself with backoff when the connection drops.
 * @example
 * const duel = await ll.joinDuel({ lang: "es", mode: "typed" });
 * duel.on("round", (r) => console.log(r.prompt));
 * duel.on("reveal", (r) => console.log("answer:", r.answer));
 * duel.on("result", (r) => console.log(r.winner === duel.sessionId ? "you won" : "you lost"));
 * await duel.answer("la manzana");
 */
export class DuelSession extends Emitter<DuelEvents> {
  /** Answers sent and not yet settled, oldest first: taken when the state shows this learner answered, refused by an `error`. */
  private pending: { resolve: (m: AnswerTaken) => void; reject: (e: LinguaLeapError) => void; timer: ReturnType<typeof setTimeout> }[] = [];
  private last?: DuelView;
  private leaving = false;
  private closedOnce = false;
  private lastError?: LinguaLeapError;

  private room: Room;
  /** The HTTP address of the room's process (asked whether it is still there when reconnecting). */
  private base: string;

  /** Use `LinguaLeapClient.joinDuel()` (or practice, challenges, ranked search). */
  constructor(
    private readonly matchmaker: Matchmaker,
    seat: Seat,
    private readonly opts: DuelSessionOptions = {},
  ) {
    super();
    this.room = seat.room;
    this.base = seat.base;
    this.bind(this.room);
  }

  /** This learner's id in the duel (compare with `winner` and the players' ids). */
  get sessionId(): string {
    return this.room.sessionId;
  }

  get roomId(): string {
    return this.room.roomId;
  }

  /** The latest snapshot, or undefined before the first state arrives. */
  get view(): DuelView | undefined {
    return this.last;
  }

  /**
   * Sends this round's answer: resolves when the server took it, rejects with a
   * LinguaLeapError (DUEL_ALREADY_ANSWERED, DUEL_TOO_LATE, DUEL_INVALID_CHOICE, …) when not.
   * @example await duel.answer(duel.view!.choices[2]);
   */
  answer(text: string): Promise<AnswerTaken> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = this.pending.filter((p) => p.timer !== timer);
        reject(new LinguaLeapError("TIMEOUT", "the server did not answer in time"));
      }, this.opts.answerTimeoutMs ?? 5000);
      this.pending.push({ resolve, reject, timer });
      this.room.send(msg.MSG_ANSWER, { answer: text } satisfies msg.AnswerMessage);
    });
  }

  /**
   * Starts a party (only its creator may, with PARTY_MIN_PLAYERS friends there): resolves
   * when the duel leaves `waiting`, rejects with a LinguaLeapError (DUEL_NOT_CREATOR,
   * DUEL_PARTY_TOO_FEW, DUEL_NOT_STARTABLE, TIMEOUT) when not.
   * @example if (duel.view?.creator === duel.sessionId) await duel.start();
   */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (fn: () => void) => (clearTimeout(timer), offState(), offError(), fn());
      const timer = setTimeout(() => done(() => reject(new LinguaLeapError("TIMEOUT", "the server did not start the party in time"))), this.opts.answerTimeoutMs ?? 5000);
      const offState = this.on("phase", ({ phase }) => phase !== "waiting" && done(resolve));
      const offError = this.on("error", (e) => ["DUEL_NOT_CREATOR", "DUEL_PARTY_TOO_FEW", "DUEL_NOT_STARTABLE"].includes(e.code) && done(() => reject(e)));
      this.room.send(msg.MSG_START);
    });
  }

  /**
   * Leaves the duel for good (a forfeit if it is still running).
   * @example await duel.leave();
   */
  async leave(): Promise<void> {
    this.leaving = true;
    if (this.room.connection.isOpen) await this.room.leave(true);
  }

  private bind(room: Room): void {
    room.onStateChange((state) => this.onState(state));
    // Sent right after the patch of the final state: the view holds the names and scores.
    room.onMessage(msg.MSG_DUEL_RESULT, (m: msg.DuelResultMessage) => this.last && this.emit("result", duelResultOf(this.last, m)));
    room.onMessage(msg.MSG_ERROR, (m: msg.ErrorMessage) => {
      const error = new LinguaLeapError(m.code, m.message);
      this.lastError = error;
      this.emit("error", error);
      this.settle((p) => p.reject(error));
    });
    room.onLeave((code) => void this.onLeave(code));
  }

  private settle(fn: (p: (typeof this.pending)[number]) => void): void {
    const first = this.pending.shift();
    if (!first) return;
    clearTimeout(first.timer);
    fn(first);
  }

  private onState(state: DecodedDuel): void {
    const view = toView(state);
    const before = this.last;
    this.last = view;
    this.takeAnswer(view, before);
    this.emit("state", view);
    if (before?.phase !== view.phase || before?.round !== view.round) {
      this.emit("phase", { phase: view.phase, round: view.round });
      if (view.phase === "round") {
        this.emit("round", { round: view.round, prompt: view.prompt, choices: view.choices, roundEndsAt: view.phaseEndsAt, roundMs: view.roundMs });
      }
      if (view.phase === "reveal") this.emit("reveal", roundResultOf(view, before));
    }
  }

  /**
   * One answer is taken when the state shows this learner's `answered` turn true (the server
   * sends that patch in the turn it takes the answer, and a refusal as an `error` in the order
   * the answers came): the oldest one waiting, for the round it counts in.
   */
  private takeAnswer(view: DuelView, before: DuelView | undefined): void {
    const mine = (v?: DuelView) => v?.players.find((p) => p.sessionId === this.sessionId);
    const was = mine(before)?.answered === true && before?.round === view.round;
    if (mine(view)?.answered && !was) this.settle((p) => p.resolve({ round: view.round }));
  }

  private async onLeave(code: number): Promise<void> {
    const finished = this.last?.phase === "finished";
    if (this.leaving || code === CONSENTED || finished || FINAL_CLOSES[code]) {
      return this.close(code, this.closeError(code));
    }
    await this.reconnect(code);
  }

  private closeError(code: number): LinguaLeapError | undefined {
    const final = FINAL_CLOSES[code];
    if (!final) return undefined;
    const said = this.lastError;
    return said && final.explainedBy?.includes(said.code) ? said : new LinguaLeapError(final.code, final.message);
  }

  private async reconnect(code: number): Promise<void> {
    const deadline = Date.now() + (this.opts.reconnectForMs ?? (this.last?.reconnectSeconds ?? DEFAULT_RECONNECT_SECONDS) * 1000);
    try {
      const plan = { token: this.room.reconnectionToken, base: this.base, deadline, backoff: this.opts.backoff, stopped: () => this.leaving };
      const { seat, attempts } = await reconnectSeat(this.matchmaker, { ...plan, onAttempt: (attempt, delayMs) => this.emit("reconnecting", { attempt, delayMs }) });
      [this.room, this.base] = [seat.room, seat.base];
      this.bind(this.room);
      this.emit("reconnected", { attempts });
    } catch (err) {
      this.close(code, err as LinguaLeapError);
    }
  }

  private close(code: number, error?: LinguaLeapError): void {
    if (this.closedOnce) return;
    this.closedOnce = true;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(error ?? new LinguaLeapError("SESSION_LOST", "the duel is over"));
    }
    this.emit("closed", { code, error });
  }
}
