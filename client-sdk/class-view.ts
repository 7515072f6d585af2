/**
 * What the SDK shows of a class game: plain snapshots of the room state. The host's snapshot
 * holds every player; a phone's only its own record (`me`); a watcher's none (the state is
 * filtered on the server: rooms/class-game/ClassGameState.ts).
 */
import { classPhaseOf, deadlineOf, VERDICT_CODES, type ClassPhase } from "../rooms/class-game/messages";
import type { AlmostReason, Direction, Mode, Verdict } from "../rooms/word-duel/messages";

/** One player as the host (all) or the player (their own) sees them. */
export interface ClassPlayerView {
  /** The player's key in the game ("p7"): what `remove` takes. */
  key: string;
  name: string;
  score: number;
  streak: number;
  connected: boolean;
  /** Answered the current round. */
  answered: boolean;
  /** Verdict in the last revealed round ("" before the first). */
  lastVerdict: Verdict | "";
  lastReason: AlmostReason | "";
  /** Points of the last revealed round. */
  lastPoints: number;
  /** Place after the last reveal (1 = first; 0 before the first reveal). */
  rank: number;
  /** XP the game earned, on the podium (0 before). */
  xp: number;
}

/** How the class answered the last revealed round. */
export interface TallyView {
  /** Picks per choice, in the order of `choices` (choice mode). */
  byChoice: number[];
  correct: number;
  almost: number;
  wrong: number;
  none: number;
}

/** A plain snapshot of a class game (see docs/protocol/rooms.md for each field). */
export interface ClassView {
  phase: ClassPhase;
  paused: boolean;
  /** While paused: the ms the phase had left. */
  pausedLeftMs: number;
  pin: string;
  hostName: string;
  hostConnected: boolean;
  lang: string;
  mode: Mode;
  direction: Direction;
  autoAdvance: boolean;
  /** The host locked the game: no new players. */
  locked: boolean;
  round: number;
  totalRounds: number;
  prompt: string;
  choices: string[];
  roundMs: number;
  /** When the current phase ends (server epoch ms), 0 for none. */
  phaseEndsAt: number;
  playerCount: number;
  watching: number;
  /** In the reveal: the correct answer (either mode). */
  reveal: string;
  alsoAccepted: string[];
  tally: TallyView;
  top: { name: string; score: number }[];
  /** Host only: how many have answered this round. */
  answered: number;
  /** Host: every player, in joining order; a phone: its own record. */
  players: ClassPlayerView[];
  reconnectSeconds: number;
}

type Decoded<T> = { forEach(fn: (value: T, key: string) => void): void };
type DecodedPlayer = Omit<ClassPlayerView, "key" | "answered" | "lastVerdict" | "lastReason"> & { answeredRound: number; lastVerdict: number; lastReason: string };

/**
 * The class game's state as colyseus.js decodes it: the view's fields in their wire form (the
 * phase as its code, deadlines after `clockBase`, the choice-mode answer as an index), players
 * as a map and the lists as the schema's arrays.
 */
export type DecodedClass = Omit<ClassView, "phase" | "mode" | "direction" | "locked" | "choices" | "phaseEndsAt" | "alsoAccepted" | "tally" | "top" | "answered" | "players"> & {
  phase: number;
  mode: string;
  direction: string;
  locked?: boolean;
  choices?: Iterable<string>;
  clockBase: number;
  phaseEnds: number;
  revealChoice: number;
  alsoAccepted?: Iterable<string>;
  tally?: Omit<TallyView, "byChoice"> & { byChoice?: Iterable<number> };
  top?: Iterable<{ name: string; score: number }>;
  live?: { answered: number };
  players?: Decoded<DecodedPlayer>;
};

/** A plain snapshot of a decoded class game state. */
export function toClassView(s: DecodedClass): ClassView {
  const players: ClassPlayerView[] = [];
  s.players?.forEach((p, key) => {
    const { name, score, streak, connected, lastPoints, rank, xp } = p;
    players.push({ key, name, score, streak, connected, answered: s.round > 0 && p.answeredRound === s.round, lastVerdict: (VERDICT_CODES[p.lastVerdict] ?? "") as Verdict | "", lastReason: (p.lastReason ?? "") as AlmostReason | "", lastPoints, rank, xp });
  });
  const choices = s.choices ? [...s.choices] : [];
  const t = s.tally;
  return {
    phase: classPhaseOf(s.phase), paused: s.paused, pausedLeftMs: s.pausedLeftMs, pin: s.pin, hostName: s.hostName, hostConnected: s.hostConnected,
    lang: s.lang, mode: s.mode as Mode, direction: s.direction as Direction, autoAdvance: s.autoAdvance, locked: s.locked ?? false,
    round: s.round, totalRounds: s.totalRounds, prompt: s.prompt, choices, roundMs: s.roundMs, phaseEndsAt: deadlineOf(s.clockBase, s.phaseEnds),
    playerCount: s.playerCount, watching: s.watching,
    reveal: s.revealChoice > 0 ? (choices[s.revealChoice - 1] ?? "") : s.reveal, alsoAccepted: s.alsoAccepted ? [...s.alsoAccepted] : [],
    tally: { byChoice: t?.byChoice ? [...t.byChoice] : [], correct: t?.correct ?? 0, almost: t?.almost ?? 0, wrong: t?.wrong ?? 0, none: t?.none ?? 0 },
    top: s.top ? [...s.top].map(({ name, score }) => ({ name, score })) : [],
    answered: s.live?.answered ?? 0, players, reconnectSeconds: s.reconnectSeconds,
  };
}
