import type { Room } from "colyseus.js";
import * as msg from "../rooms/class-game/messages";
import { Emitter } from "./emitter";
import { LinguaLeapError } from "./errors";
import type { Matchmaker, Seat } from "./Matchmaker";
import { reconnectSeat } from "./reconnect";
import { toClassView, type ClassPlayerView, type ClassView, type DecodedClass, type TallyView } from "./class-view";
import type { BackoffOptions } from "./backoff";

export type { ClassPlayerView, ClassView, TallyView } from "./class-view";

/** Who this session is in the game. */
export type ClassRole = "host" | "player" | "watcher";

/** A closed round, as the `reveal` event shows it. */
export interface ClassReveal {
  round: number;
  prompt: string;
  answer: string;
  accepted: string[];
  tally: TallyView;
  top: { name: string; score: number }[];
  /** A player's own outcome (undefined for the host and watchers). */
  me?: ClassPlayerView;
}

/** Events of a class game and what each carries. */
export interface ClassEvents {
  state: ClassView;
  phase: { phase: msg.ClassPhase; round: number };
  round: { round: number; prompt: string; choices: string[]; roundEndsAt: number; roundMs: number };
  reveal: ClassReveal;
  /** The game is over, its result kept: the final top five, and a player's own place and XP. */
  podium: { top: { name: string; score: number }[]; me?: ClassPlayerView };
  /** Host only: the class report, once the result is kept. */
  report: msg.ClassReportMessage;
  error: LinguaLeapError;
  reconnecting: { attempt: number; delayMs: number };
  reconnected: { attempts: number };
  closed: { code: number; error?: LinguaLeapError };
}

export interface ClassSessionOptions {
  backoff?: BackoffOptions;
  /** How long a command or an answer waits for the server. */
  replyTimeoutMs?: number;
}

const CONSENTED = 4000;
/** Closes after which there is nothing to reconnect to. */
const FINAL_CLOSES: Record<number, { code: string; message: string }> = {
  [msg.CLOSE_REMOVED]: { code: "CLASS_REMOVED", message: "the host removed you from this game" },
  [msg.CLOSE_WAIT_EXPIRED]: { code: "CLASS_ENDED", message: "this class game is closed" },
  [msg.CLOSE_SERVER_SHUTDOWN]: { code: "DUEL_SERVER_SHUTDOWN", message: "the server stopped this game" },
  [msg.CLOSE_FLOODING]: { code: "DUEL_RATE_LIMITED", message: "disconnected for sending too many messages" },
  [msg.CLOSE_BAD_FRAME]: { code: "ROOM_BAD_FRAME", message: "the server could not read what this client sent" },
};

/**
 * A seat in a class game: the host's (`LinguaLeapClient.createClassGame`), a player's
 * (`joinClassGame`) or a watcher's. Reconnects by itself with backoff when the connection
 * drops, for as long as the server keeps the seat.
 * @example
 * const game = await ll.joinClassGame("482913", { name: "Ana" });
 * game.on("round", (r) => show(r.prompt, r.choices));
 * game.on("reveal", (r) => console.log(r.me?.lastVerdict, r.me?.lastPoints));
 * await game.answer(game.view!.choices[1]);
 */
export class ClassSession extends Emitter<ClassEvents> {
  private last?: ClassView;
  private leaving = false;
  private closedOnce = false;
  private lastError?: LinguaLeapError;
  private room: Room;
  private base: string;

  /** Use `LinguaLeapClient.createClassGame()`, `.joinClassGame()` or `.watch()`. */
  constructor(
    private readonly matchmaker: Matchmaker,
    seat: Seat,
    readonly role: ClassRole,
    private readonly opts: ClassSessionOptions = {},
  ) {
    super();
    this.room = seat.room;
    this.base = seat.base;
    this.bind(this.room);
  }

  get sessionId(): string {
    return this.room.sessionId;
  }

  get roomId(): string {
    return this.room.roomId;
  }

  /** The latest snapshot, or undefined before the first state arrives. */
  get view(): ClassView | undefined {
    return this.last;
  }

  /** A player's own record (undefined for the host and watchers, and before the first state). */
  get me(): ClassPlayerView | undefined {
    return this.role === "player" ? this.last?.players[0] : undefined;
  }

  /**
   * The game's PIN (host): resolves once the server has listed it.
   * @example const pin = await host.pin(); // "482913"
   */
  pin(): Promise<string> {
    return this.until((v) => (v.pin ? v.pin : undefined), "the PIN did not arrive");
  }

  /**
   * A player's answer to this round: resolves when the server took it, rejects with the
   * server's refusal (DUEL_ALREADY_ANSWERED, DUEL_TOO_LATE, DUEL_INVALID_CHOICE, …).
   * @example await game.answer("la manzana");
   */
  answer(text: string): Promise<{ round: number }> {
    return this.ask(msg.MSG_ANSWER, { answer: text } satisfies msg.AnswerMessage, (v) => (v.players[0]?.answered ? { round: v.round } : undefined));
  }

  /** Host: opens the game (from the lobby). @example await host.start(); */
  start(): Promise<void> {
    return this.command(msg.MSG_START, undefined, (v) => v.phase !== "lobby");
  }

  /** Host: closes the round now, or in the reveal goes on to the next round (the podium after the last). @example await host.next(); */
  next(): Promise<void> {
    const { phase, round } = this.last ?? { phase: "lobby", round: 0 };
    // Says which round it was pressed in: a double click is refused (CLASS_NOT_NOW), not a skipped round.
    return this.command(msg.MSG_NEXT, { round } satisfies msg.NextMessage, (v) => v.phase !== phase || v.round !== round);
  }

  /** Host: freezes the clock. @example await host.pause(); */
  pause(): Promise<void> {
    return this.command(msg.MSG_PAUSE, undefined, (v) => v.paused);
  }

  /** Host: the clock goes on. @example await host.resume(); */
  resume(): Promise<void> {
    return this.command(msg.MSG_RESUME, undefined, (v) => !v.paused);
  }

  /** Host: ends the game now (the rounds played count). @example await host.end(); */
  end(): Promise<void> {
    return this.command(msg.MSG_END, undefined, (v) => v.phase === "podium");
  }

  /** Host: removes a player for good (by their `key`). @example await host.remove(host.view!.players[0].key); */
  remove(key: string): Promise<void> {
    return this.command(msg.MSG_REMOVE, { player: key } satisfies msg.RemoveMessage, (v) => !v.players.some((p) => p.key === key));
  }

  /** Host: no new player may join (those with a seat still come back), or they may again. @example await host.lock(true); */
  lock(on: boolean): Promise<void> {
    return this.command(msg.MSG_LOCK, { on } satisfies msg.AutoMessage, (v) => v.locked === on);
  }

  /** Host: the next round starts by itself after each reveal (or waits for next()). @example await host.setAutoAdvance(true); */
  setAutoAdvance(on: boolean): Promise<void> {
    return this.command(msg.MSG_AUTO, { on } satisfies msg.AutoMessage, (v) => v.autoAdvance === on);
  }

  /**
   * Leaves the game (a player keeps their seat and score until the game ends; a host who
   * leaves ends it).
   * @example await game.leave();
   */
  async leave(): Promise<void> {
    this.leaving = true;
    if (this.room.connection.isOpen) await this.room.leave(true);
  }

  private command(type: string, payload: unknown, done: (v: ClassView) => boolean): Promise<void> {
    return this.ask(type, payload, (v) => (done(v) ? true : undefined)).then(() => undefined);
  }

  /** Sends a message; resolves once a snapshot passes `done`, rejects with the next `error`. */
  private ask<T>(type: string, payload: unknown, done: (v: ClassView) => T | undefined): Promise<T> {
    const waiting = this.until(done, "the server did not answer in time", true);
    this.room.send(type, payload);
    return waiting;
  }

  /** Resolves with the first snapshot `pick` takes (the current one included unless `fresh`). */
  private until<T>(pick: (v: ClassView) => T | undefined, timeoutMessage: string, fresh = false): Promise<T> {
    return new Promise((resolve, reject) => {
      const current = fresh || !this.last ? undefined : pick(this.last);
      if (current !== undefined) return resolve(current);
      const offs: (() => void)[] = [];
      const settle = (fn: () => void) => (offs.forEach((off) => off()), clearTimeout(timer), fn());
      const timer = setTimeout(() => settle(() => reject(new LinguaLeapError("TIMEOUT", timeoutMessage))), this.opts.replyTimeoutMs ?? 10_000);
      offs.push(this.on("state", (v) => {
        const got = pick(v);
        if (got !== undefined) settle(() => resolve(got));
      }));
      if (fresh) offs.push(this.on("error", (e) => settle(() => reject(e))));
      offs.push(this.on("closed", ({ error }) => settle(() => reject(error ?? new LinguaLeapError("SESSION_LOST", "the game is over")))));
    });
  }

  private bind(room: Room): void {
    room.onStateChange((state) => this.onState(state as unknown as DecodedClass));
    room.onMessage(msg.MSG_CLASS_REPORT, (m: msg.ClassReportMessage) => this.emit("report", m));
    room.onMessage(msg.MSG_ERROR, (m: msg.ErrorMessage) => {
      this.lastError = new LinguaLeapError(m.code, m.message);
      this.emit("error", this.lastError);
    });
    room.onLeave((code) => void this.onLeave(code));
  }

  private onState(state: DecodedClass): void {
    const view = toClassView(state);
    const before = this.last;
    this.last = view;
    this.emit("state", view);
    if (before?.phase === view.phase && before?.round === view.round) return;
    this.emit("phase", { phase: view.phase, round: view.round });
    const me = this.me;
    if (view.phase === "round") this.emit("round", { round: view.round, prompt: view.prompt, choices: view.choices, roundEndsAt: view.phaseEndsAt, roundMs: view.roundMs });
    if (view.phase === "reveal") this.emit("reveal", { round: view.round, prompt: view.prompt, answer: view.reveal, accepted: [view.reveal, ...view.alsoAccepted], tally: view.tally, top: view.top, me });
    if (view.phase === "podium") this.emit("podium", { top: view.top, me });
  }

  private async onLeave(code: number): Promise<void> {
    const final = FINAL_CLOSES[code];
    if (this.leaving || code === CONSENTED || this.last?.phase === "podium" || final || this.role === "watcher") {
      const error = final ? (this.lastError?.code === final.code ? this.lastError : new LinguaLeapError(final.code, final.message)) : undefined;
      return this.close(code, error);
    }
    try {
      const deadline = Date.now() + (this.last?.reconnectSeconds ?? 20) * 1000;
      const { seat, attempts } = await reconnectSeat(this.matchmaker, { token: this.room.reconnectionToken, base: this.base, deadline, backoff: this.opts.backoff, onAttempt: (attempt, delayMs) => this.emit("reconnecting", { attempt, delayMs }), stopped: () => this.leaving });
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
    this.emit("closed", { code, error });
  }
}
