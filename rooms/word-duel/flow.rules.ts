/**
 * The lifecycle of a word duel as pure steps, in the manner of boardgame.io's flow.ts: each
 * function takes the duel's state as plain data (`now` as a number) and returns what follows
 * as a list of {@link Effect}s — the public fields to write, the room's one timer, the round
 * to start or close, the end. WordDuelRoom carries the effects out in order with its clock
 * and broadcasts; nothing here reads a clock, holds a timer or touches a socket.
 *
 *   waiting ──full (a party: its creator's start)──▶ countdown ──▶ round ──all answered / deadline──▶ reveal ──▶ round …
 *      ▲                  │                                                └─last─▶ finished
 *      └──a seat given up (a ranked duel is called off instead)
 */
import type { ErrorCode } from "../../server/errors";
import { CLOSE_NO_SHOW, CLOSE_SERVER_SHUTDOWN, CLOSE_WAIT_EXPIRED } from "../shared/close-codes";
import { roundComplete, tooFewToGoOn } from "./duel.rules";
import { PARTY_MIN_PLAYERS, type Phase } from "./messages";

/** The phase lengths the flow reads (the room's DuelTiming has them all). */
export interface FlowTiming {
  countdownMs: number;
  revealMs: number;
  finishedLingerMs: number;
  reconnectSeconds: number;
  shutdownGraceMs: number;
  noShowMs: number;
  waitingTimeoutMs: number;
}

/** A player as the flow sees them. */
export interface FlowPlayer {
  answered: boolean;
  connected: boolean;
  forfeited: boolean;
}

/** A duel ended without a result: the `error` everyone is told, then the close code. */
export interface Ending {
  code: ErrorCode;
  message: string;
  closeCode: number;
  /** Only while the duel still waits for players (it may have started since this was planned). */
  whileWaiting?: true;
}

/** The endings of a duel that is never played out. */
export const ENDINGS = {
  waitExpired: { code: "DUEL_WAIT_EXPIRED", message: "nobody joined this duel in time: it is closed; look for another", closeCode: CLOSE_WAIT_EXPIRED, whileWaiting: true },
  noShow: { code: "DUEL_NO_SHOW", message: "your opponent did not arrive: the duel is called off; look for another", closeCode: CLOSE_NO_SHOW, whileWaiting: true },
  leftBeforeStart: { code: "DUEL_NO_SHOW", message: "your opponent left before the start: the duel is called off; look for another", closeCode: CLOSE_NO_SHOW, whileWaiting: true },
  shutdownBeforeStart: { code: "DUEL_SERVER_SHUTDOWN", message: "the server is restarting: join again to find a duel", closeCode: CLOSE_SERVER_SHUTDOWN },
  shutdownGraceOver: { code: "DUEL_SERVER_SHUTDOWN", message: "the server had to stop before this duel ended: it does not count; join again", closeCode: CLOSE_SERVER_SHUTDOWN },
  /** Played out, but nothing could keep the result: nobody is shown XP they would lose. */
  unsaved: { code: "INTERNAL", message: "this duel's result could not be saved: it does not count; sorry", closeCode: CLOSE_SERVER_SHUTDOWN },
} as const satisfies Record<string, Ending>;

/** What the room does now, or when its timer fires. */
export type Action =
  | { do: "start_round"; round: number }
  | { do: "close_round" }
  /** The result is kept, then shown. */
  | { do: "finish" }
  /** Ended without a result (see {@link endsNow}). */
  | { do: "end"; ending: Ending }
  /** Everyone is disconnected: the room closes. */
  | { do: "close" };

/** The public fields a phase change writes (prompt, choices and the reveal text are the table's). */
export interface PhasePatch {
  phase: Phase;
  phaseEndsAt: number;
  round?: number;
  winner?: string;
}

export type Effect =
  | Action
  | { do: "patch"; patch: PhasePatch }
  /** Sets the room's one timer (replacing the last) to `then` in `inMs`. */
  | { do: "arm"; inMs: number; then: Action }
  /** The server stops: a timer of its own, beside the duel's; a result from now on closes at once. */
  | { do: "grace"; inMs: number; then: Action }
  /** Open to newcomers again (unlocked, a challenge's code listed), or closed to them. */
  | { do: "listing"; open: boolean };

const patch = (p: PhasePatch): Effect => ({ do: "patch", patch: p });
const arm = (inMs: number, then: Action): Effect => ({ do: "arm", inMs, then });

/**
 * A new duel's first timer: a ranked duel waits `noShowMs` for its paired learners, an open
 * duel `waitingTimeoutMs` for an opponent; a practice starts with its one seat.
 * @example opening({ ranked: false, practice: true }, timing) // []
 */
export function opening(duel: { ranked: boolean; practice: boolean }, t: FlowTiming): Effect[] {
  if (duel.ranked) return [arm(t.noShowMs, { do: "end", ending: ENDINGS.noShow })];
  return duel.practice ? [] : [arm(t.waitingTimeoutMs, { do: "end", ending: ENDINGS.waitExpired })];
}

/**
 * Whether an ending still applies: never twice, never after the result, and one planned
 * while waiting only if the duel still waits.
 * @example endsNow(ENDINGS.waitExpired, { phase: "round", over: false }) // false: the duel started meanwhile
 */
export function endsNow(ending: Ending, duel: { phase: Phase; over: boolean }): boolean {
  if (duel.over || duel.phase === "finished") return false;
  return !ending.whileWaiting || duel.phase === "waiting";
}

/**
 * A player sat down (or came back): once every seat of a waiting duel has its learner there
 * (`seated` counts those present: a held seat of one who dropped is not), the countdown
 * starts (and the duel stops taking newcomers), then round 1. A duel never starts with a
 * learner who is not there: it could only end in a forfeit of a duel nobody played. A party
 * never starts by itself, full or not: its creator starts it ({@link startParty}).
 * @example afterJoin({ phase: "waiting", seated: 2, seats: 2 }, 1000, timing)[1] // patch: countdown until 1000 + countdownMs
 * @example afterJoin({ phase: "waiting", seated: 8, seats: 8, party: true }, 1000, timing) // []
 */
export function afterJoin(duel: { phase: Phase; seated: number; seats: number; party?: boolean }, now: number, t: FlowTiming): Effect[] {
  if (duel.party || duel.phase !== "waiting" || duel.seated < duel.seats) return [];
  return countdown(now, t);
}

/** The countdown to round 1: the duel stops taking newcomers. */
function countdown(now: number, t: FlowTiming): Effect[] {
  return [{ do: "listing", open: false }, patch({ phase: "countdown", phaseEndsAt: now + t.countdownMs }), arm(t.countdownMs, { do: "start_round", round: 1 })];
}

/** What a `start` leads to: the countdown, or why not (sent back to the sender). */
export type StartDecision = { ok: true; effects: Effect[] } | { ok: false; code: ErrorCode; message: string };

/**
 * A player sent `start`: a waiting party starts when its creator asks and at least
 * PARTY_MIN_PLAYERS players are seated and there (`connected`); anything else is refused.
 * @example startParty({ party: true, phase: "waiting", fromCreator: true, connected: 3 }, 0, timing).ok // true
 * @example startParty({ party: true, phase: "waiting", fromCreator: true, connected: 2 }, 0, timing) // { ok: false, code: "DUEL_PARTY_TOO_FEW", … }
 */
export function startParty(duel: { party: boolean; phase: Phase; fromCreator: boolean; connected: number }, now: number, t: FlowTiming): StartDecision {
  if (!duel.party) return { ok: false, code: "DUEL_NOT_STARTABLE", message: "this duel starts by itself once every seat is taken" };
  if (duel.phase !== "waiting") return { ok: false, code: "DUEL_NOT_STARTABLE", message: "this party has started already" };
  if (!duel.fromCreator) return { ok: false, code: "DUEL_NOT_CREATOR", message: "only the friend who opened the party can start it" };
  if (duel.connected < PARTY_MIN_PLAYERS) return { ok: false, code: "DUEL_PARTY_TOO_FEW", message: `a party starts with at least ${PARTY_MIN_PLAYERS} players: wait for more friends` };
  return { ok: true, effects: countdown(now, t) };
}

/**
 * Who may start a party once `leaving` gives up their seat: the creator stays, unless it is
 * they who leave; then the longest-seated of the others (`seated` in the order they sat), or
 * nobody.
 * @example creatorAfter("a", "a", ["a", "b", "c"]) // "b"
 */
export function creatorAfter(creator: string, leaving: string, seated: readonly string[]): string {
  if (creator !== leaving) return creator;
  return seated.find((id) => id !== leaving) ?? "";
}

/** Round `round` opens at `now`; it closes at its deadline unless everyone answers first. */
export function roundStart(round: number, now: number, roundMs: number): Effect[] {
  return [patch({ phase: "round", round, phaseEndsAt: now + roundMs }), arm(roundMs, { do: "close_round" })];
}

/**
 * Whether the round closes now: in a round, every active player (connected and not
 * forfeited) has answered. A dropped player is not waited for; their seat still is.
 */
export function roundCloses(phase: Phase, players: readonly FlowPlayer[]): boolean {
  return phase === "round" && roundComplete(players.map((p) => ({ answered: p.answered, active: p.connected && !p.forfeited })));
}

/**
 * An answer was taken: the round closes if it was the last one awaited.
 * @example afterAnswer("round", [{ answered: true, connected: true, forfeited: false }]) // [{ do: "close_round" }]
 */
export function afterAnswer(phase: Phase, players: readonly FlowPlayer[]): Effect[] {
  return roundCloses(phase, players) ? [{ do: "close_round" }] : [];
}

/**
 * A round closed at `now`: its reveal, then the next round, or the end after the last one.
 * @example reveal({ round: 10, totalRounds: 10 }, 0, timing)[1] // arm finish in revealMs
 */
export function reveal(duel: { round: number; totalRounds: number }, now: number, t: FlowTiming): Effect[] {
  const then: Action = duel.round >= duel.totalRounds ? { do: "finish" } : { do: "start_round", round: duel.round + 1 };
  return [patch({ phase: "reveal", phaseEndsAt: now + t.revealMs }), arm(t.revealMs, then)];
}

/**
 * The result is out: the room stays open `finishedLingerMs` for clients to read it, or
 * closes at once when the server is stopping.
 */
export function finished(winner: string, shuttingDown: boolean, t: FlowTiming): Effect[] {
  return [patch({ phase: "finished", winner, phaseEndsAt: 0 }), arm(shuttingDown ? 0 : t.finishedLingerMs, { do: "close" })];
}

/** What a player's leave means. */
export type Departure =
  /** Before the first round: the seat is given up ({@link afterVacate}). */
  | { do: "vacate" }
  /** After the end: only shown as gone. */
  | { do: "mark_gone" }
  /** Dropped during play: the seat is kept this long; not back in time, a forfeit. */
  | { do: "hold_seat"; seconds: number }
  /** Left for good during play: a forfeit now ({@link afterForfeit}). */
  | { do: "forfeit" };

/**
 * What a leave means in each phase. Leaving for good is a consented leave or a flooder's
 * disconnect (no reconnection window). A drop in the countdown keeps the seat: the learner
 * is likely back before round 1.
 * @example departure({ phase: "round", consented: false, kicked: false }, timing) // { do: "hold_seat", seconds: timing.reconnectSeconds }
 */
export function departure(leave: { phase: Phase; consented: boolean; kicked: boolean; over?: boolean }, t: FlowTiming): Departure {
  const forGood = leave.consented || leave.kicked;
  if (leave.phase === "waiting" || (leave.phase === "countdown" && forGood)) return { do: "vacate" };
  // Over (its result being saved, or ended): the result is settled, a leave changes nothing in it.
  if (leave.phase === "finished" || leave.over) return { do: "mark_gone" };
  return forGood ? { do: "forfeit" } : { do: "hold_seat", seconds: t.reconnectSeconds };
}

/**
 * A held seat whose reconnection window closed without the learner, in the phase as it is
 * now: a forfeit during play; but if the duel went back to waiting meanwhile (the others
 * left during the countdown), the seat is just given up — a duel never played records nothing.
 * @example windowClosed("waiting") // { do: "vacate" }
 */
export function windowClosed(phase: Phase): Extract<Departure, { do: "vacate" | "forfeit" }> {
  return phase === "waiting" ? { do: "vacate" } : { do: "forfeit" };
}

/**
 * A seat given up before the first round (`phase` as it was then): in the countdown the duel
 * waits and is listed again — unless it is ranked, whose seats were for the paired learners
 * only: then it is called off.
 * @example afterVacate("countdown", true, timing) // [patch waiting, end leftBeforeStart]
 */
export function afterVacate(phase: Phase, ranked: boolean, t: FlowTiming): Effect[] {
  if (phase !== "countdown") return [];
  const waiting = patch({ phase: "waiting", phaseEndsAt: 0 });
  if (ranked) return [waiting, { do: "end", ending: ENDINGS.leftBeforeStart }];
  return [waiting, arm(t.waitingTimeoutMs, { do: "end", ending: ENDINGS.waitExpired }), { do: "listing", open: true }];
}

/** Whether a player can still forfeit: seated, not forfeited already, the duel not over. */
export function mayForfeit(phase: Phase, player: { forfeited: boolean } | undefined): player is { forfeited: boolean } {
  return player !== undefined && !player.forfeited && phase !== "finished";
}

/**
 * A forfeit, counted in `players` already: the end when too few remain (a duel: fewer than
 * two; a practice: nobody), else the round closes if the rest have all answered.
 * @example afterForfeit({ phase: "round", practice: true, players: [{ answered: false, connected: false, forfeited: true }] }) // [{ do: "finish" }]
 */
export function afterForfeit(duel: { phase: Phase; practice: boolean; players: readonly FlowPlayer[] }): Effect[] {
  if (tooFewToGoOn(duel.players.filter((p) => !p.forfeited).length, duel.practice)) return [{ do: "finish" }];
  return afterAnswer(duel.phase, duel.players);
}

/**
 * The server stops (the room is already locked): a finished duel closes now; one not started
 * ends at once; a running one may finish within the grace time (its result recorded as
 * usual), else it ends without a result.
 * @example shutdown("round", timing) // [{ do: "grace", inMs: timing.shutdownGraceMs, then: end shutdownGraceOver }]
 */
export function shutdown(phase: Phase, t: FlowTiming): Effect[] {
  if (phase === "finished") return [arm(0, { do: "close" })];
  if (phase === "waiting") return [{ do: "end", ending: ENDINGS.shutdownBeforeStart }];
  return [{ do: "grace", inMs: t.shutdownGraceMs, then: { do: "end", ending: ENDINGS.shutdownGraceOver } }];
}
