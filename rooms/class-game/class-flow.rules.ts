/**
 * The lifecycle of a class game as pure steps, like the duel's flow.rules.ts: each function
 * takes the game as plain data (`now` as a number) and returns what follows as
 * {@link ClassEffect}s, which ClassGameRoom carries out with its one timer. The host drives
 * the game; the clock only moves it on where the host asked for that (auto-advance).
 *
 *   lobby ─start─▶ countdown ─▶ round ─all answered / deadline / next─▶ reveal ─next or auto─▶ round …
 *                                                                           └─after the last─▶ podium
 *   pause/resume freeze and restart the clock of a countdown, round or reveal; end → podium.
 */
import type { ErrorCode } from "../../server/errors";
import { CLOSE_SERVER_SHUTDOWN, CLOSE_WAIT_EXPIRED } from "../shared/close-codes";
import type { ClassPhase } from "./messages";

/** The lengths the flow reads. */
export interface ClassTiming {
  countdownMs: number;
  revealMs: number;
  /** How long a lobby waits for its start, and a reveal for the host's next, before the game closes or ends. */
  idleMs: number;
  /** How long the podium stays open for everyone to read it. */
  podiumMs: number;
}

/** The game as the flow sees it. */
export interface FlowGame {
  phase: ClassPhase;
  paused: boolean;
  round: number;
  totalRounds: number;
  autoAdvance: boolean;
  /** Players in the game (connected or holding a seat). */
  players: number;
  /** The current phase's deadline, epoch ms (0 for none, and while paused). */
  phaseEndsAt: number;
  /** While paused: the ms the phase had left. */
  pausedLeftMs: number;
}

/** A game ended before anyone played: what everyone is told, then the close code. */
export interface ClassEnding {
  code: ErrorCode;
  message: string;
  closeCode: number;
}

export const CLASS_ENDINGS = {
  lobbyExpired: { code: "CLASS_ENDED", message: "this class game was never started: it is closed", closeCode: CLOSE_WAIT_EXPIRED },
  hostEnded: { code: "CLASS_ENDED", message: "the host closed this class game before it started", closeCode: CLOSE_WAIT_EXPIRED },
  hostLeft: { code: "CLASS_ENDED", message: "the host left before the game started: it is closed", closeCode: CLOSE_WAIT_EXPIRED },
  shutdown: { code: "DUEL_SERVER_SHUTDOWN", message: "the server is restarting: ask your teacher for a new game", closeCode: CLOSE_SERVER_SHUTDOWN },
  unsaved: { code: "INTERNAL", message: "this game's result could not be saved: it does not count; sorry", closeCode: CLOSE_SERVER_SHUTDOWN },
} as const satisfies Record<string, ClassEnding>;

export type ClassAction =
  | { do: "start_round"; round: number }
  | { do: "close_round" }
  /** The result is kept, then the podium shows. */
  | { do: "finish" }
  | { do: "end"; ending: ClassEnding }
  | { do: "close" };

export interface ClassPatch {
  phase: ClassPhase;
  phaseEndsAt: number;
  round?: number;
  paused?: boolean;
  pausedLeftMs?: number;
}

export type ClassEffect =
  | ClassAction
  | { do: "patch"; patch: ClassPatch }
  /** Sets the room's one timer (replacing the last) to `then` in `inMs`. */
  | { do: "arm"; inMs: number; then: ClassAction }
  /** The PIN leads here (true) or not any more. */
  | { do: "listing"; open: boolean };

/** A host command: what it does, or why not now. */
export type Commanded = { ok: true; effects: ClassEffect[] } | { ok: false; code: ErrorCode; message: string };

const patch = (p: ClassPatch): ClassEffect => ({ do: "patch", patch: p });
const arm = (inMs: number, then: ClassAction): ClassEffect => ({ do: "arm", inMs, then });
const notNow = (message: string): Commanded => ({ ok: false, code: "CLASS_NOT_NOW", message });

/** After round `round`'s reveal: the next round, or the podium after the last. */
function afterRound(round: number, totalRounds: number): ClassAction {
  return round >= totalRounds ? { do: "finish" } : { do: "start_round", round: round + 1 };
}

/**
 * What the clock does when the phase runs out: the countdown opens round 1, a round closes, a
 * reveal goes on (auto-advance) or, left alone for `idleMs`, ends the game; a lobby closes.
 */
function onTimeout(game: Pick<FlowGame, "phase" | "round" | "totalRounds" | "autoAdvance">): ClassAction | undefined {
  switch (game.phase) {
    case "lobby": return { do: "end", ending: CLASS_ENDINGS.lobbyExpired };
    case "countdown": return { do: "start_round", round: 1 };
    case "round": return { do: "close_round" };
    case "reveal": return game.autoAdvance ? afterRound(game.round, game.totalRounds) : { do: "finish" };
    case "podium": return { do: "close" };
  }
}

/**
 * A new game waits in the lobby for its host's start, `idleMs` at most.
 * @example opening(timing) // [arm idleMs → end lobbyExpired]
 */
export function opening(t: ClassTiming): ClassEffect[] {
  return [arm(t.idleMs, onTimeout({ phase: "lobby", round: 0, totalRounds: 0, autoAdvance: false })!)];
}

/** Round `round` opens at `now`, for `roundMs`. */
export function roundStart(round: number, now: number, roundMs: number): ClassEffect[] {
  return [patch({ phase: "round", round, phaseEndsAt: now + roundMs }), arm(roundMs, { do: "close_round" })];
}

/**
 * A round closed at `now`: its reveal, which moves on by itself after `revealMs` with
 * auto-advance (the podium after the last round); otherwise it waits for the host's next
 * (`idleMs` at most, then the game ends with the rounds played).
 * @example reveal({ round: 3, totalRounds: 10, autoAdvance: true }, 0, timing) // [patch reveal, arm revealMs → start_round 4]
 */
export function reveal(game: Pick<FlowGame, "round" | "totalRounds" | "autoAdvance">, now: number, t: ClassTiming): ClassEffect[] {
  const inMs = game.autoAdvance ? t.revealMs : t.idleMs;
  return [patch({ phase: "reveal", phaseEndsAt: game.autoAdvance ? now + inMs : 0 }), arm(inMs, onTimeout({ ...game, phase: "reveal" })!)];
}

/** The result is kept: the podium, open `podiumMs` (at once closed when the server stops). */
export function podium(shuttingDown: boolean, t: ClassTiming): ClassEffect[] {
  return [{ do: "listing", open: false }, patch({ phase: "podium", phaseEndsAt: 0, paused: false, pausedLeftMs: 0 }), arm(shuttingDown ? 0 : t.podiumMs, { do: "close" })];
}

/**
 * Whether the round closes now: every connected player has answered (a dropped phone is not
 * waited for; its seat still is).
 */
export function roundCloses(game: Pick<FlowGame, "phase" | "paused">, players: readonly { answered: boolean; connected: boolean }[]): boolean {
  if (game.phase !== "round" || game.paused) return false;
  const here = players.filter((p) => p.connected);
  return here.length > 0 && here.every((p) => p.answered);
}

/** The host's commands. */
export type HostCommand = "start" | "next" | "pause" | "resume" | "end";

/**
 * A host command at `now`: what follows, or CLASS_NOT_NOW with why. A `next` may say which
 * round it was pressed in (`forRound`): a double click then does not skip a round.
 * @example command("start", { phase: "lobby", players: 0, … }, 0, timing) // { ok: false, code: "CLASS_NOT_NOW", message: "nobody has joined yet" }
 */
export function command(cmd: HostCommand, game: FlowGame, now: number, t: ClassTiming, forRound?: number): Commanded {
  if (game.phase === "podium") return notNow("the game is over");
  switch (cmd) {
    case "start":
      if (game.phase !== "lobby") return notNow("the game has started already");
      if (game.players === 0) return notNow("nobody has joined yet: share the PIN first");
      return { ok: true, effects: [patch({ phase: "countdown", phaseEndsAt: now + t.countdownMs }), arm(t.countdownMs, { do: "start_round", round: 1 })] };
    case "next":
      if (game.paused) return notNow("the game is paused: resume it first");
      // A second click of the same button: it was for a round the game has left.
      if (forRound !== undefined && forRound !== game.round) return notNow(`that "next" was for round ${forRound}; the game is at round ${game.round} now`);
      if (game.phase === "round") return { ok: true, effects: [{ do: "close_round" }] };
      if (game.phase === "reveal") return { ok: true, effects: [afterRound(game.round, game.totalRounds)] };
      return notNow(game.phase === "lobby" ? "start the game first" : "the first round is about to open");
    case "pause": {
      if (game.paused) return notNow("the game is paused already");
      if (game.phase === "lobby" || game.phaseEndsAt === 0) return notNow("there is no clock running to pause");
      const left = Math.max(0, game.phaseEndsAt - now);
      // A game left paused ends like one left waiting: after idleMs, with the rounds played.
      return { ok: true, effects: [arm(t.idleMs, { do: "finish" }), patch({ phase: game.phase, phaseEndsAt: 0, paused: true, pausedLeftMs: left })] };
    }
    case "resume": {
      if (!game.paused) return notNow("the game is not paused");
      // Auto-advance turned off during the pause: the reveal now waits for the host's next.
      if (game.phase === "reveal" && !game.autoAdvance) return { ok: true, effects: [patch({ phase: "reveal", phaseEndsAt: 0, paused: false, pausedLeftMs: 0 }), arm(t.idleMs, { do: "finish" })] };
      const left = game.pausedLeftMs;
      return { ok: true, effects: [patch({ phase: game.phase, phaseEndsAt: now + left, paused: false, pausedLeftMs: 0 }), arm(left, onTimeout(game)!)] };
    }
    case "end":
      if (game.phase === "lobby") return { ok: true, effects: [{ do: "end", ending: CLASS_ENDINGS.hostEnded }] };
      return { ok: true, effects: [{ do: "finish" }] };
  }
}

/**
 * The host left for good (or its window closed): a game not started closes; a running one
 * ends now with the rounds played, so nobody loses what they earned.
 */
export function hostGone(phase: ClassPhase): ClassEffect[] {
  if (phase === "podium") return [];
  return phase === "lobby" ? [{ do: "end", ending: CLASS_ENDINGS.hostLeft }] : [{ do: "finish" }];
}

/** The server stops: a lobby closes at once, a podium too; a running game finishes now (its result kept). */
export function shutdown(phase: ClassPhase): ClassEffect[] {
  if (phase === "podium") return [arm(0, { do: "close" })];
  return phase === "lobby" ? [{ do: "end", ending: CLASS_ENDINGS.shutdown }] : [{ do: "finish" }];
}
