/**
 * What the SDK shows of a duel: plain snapshots of the room state, and the round's and the
 * duel's results read from it. The server sends each fact once — the state carries the
 * answers, verdicts and scores; `duel_result` only the ranking and the XP — so the SDK puts
 * the results back together here.
 */
import { deadlineOf, phaseOf, VERDICT_CODES } from "../rooms/word-duel/messages";
import type * as msg from "../rooms/word-duel/messages";

/** One player as the SDK shows them (a plain copy of the room state). */
export interface PlayerView {
  sessionId: string;
  name: string;
  score: number;
  streak: number;
  connected: boolean;
  answered: boolean;
  isBot: boolean;
  forfeited: boolean;
  /** Verdict in the last revealed round ("" before the first). */
  lastVerdict: msg.Verdict | "";
  /** Why the last verdict was "almost" ("" otherwise). */
  lastReason: msg.AlmostReason | "";
  /** The 1-based index in `choices` of the choice the player picked in the last revealed round, when it was not correct (0 otherwise). */
  lastChoice: number;
  /** What the player answered in the last revealed round when it was not correct and not one of the choices ("" otherwise). */
  lastAnswer: string;
}

/** A plain snapshot of the duel state (see docs/protocol/rooms.md for each field). */
export interface DuelView {
  phase: msg.Phase;
  lang: string;
  mode: msg.Mode;
  direction: msg.Direction;
  practice: boolean;
  /** Made by the ranked queue. */
  ranked: boolean;
  /** A private challenge's or party's code ("" for public duels). */
  challengeCode: string;
  /** A party (3–8 friends, started by its creator). */
  party: boolean;
  /** In a party, the sessionId of the player who may start it ("" otherwise). */
  creator: string;
  /** How many watchers follow the duel (read-only, no seat). */
  watching: number;
  round: number;
  totalRounds: number;
  prompt: string;
  choices: string[];
  roundMs: number;
  /** When the current phase ends (server epoch ms): in a round, its close. */
  phaseEndsAt: number;
  players: PlayerView[];
  reveal: string;
  /** The round's other accepted answers, in the reveal. */
  alsoAccepted: string[];
  winner: string;
  /** How long the server keeps this learner's seat after a drop (the SDK reconnects for this long). */
  reconnectSeconds: number;
}

/** One player's outcome of a round, as the `reveal` event shows it. */
export interface PlayerRoundResult {
  verdict: msg.Verdict;
  /** Why an answer was "almost". */
  reason?: msg.AlmostReason;
  /** This round's points, streak bonus included (0 when the SDK did not see the round open: back from a drop during its reveal). */
  points: number;
  /** What the player answered, when it was not correct ("" otherwise). */
  answer: string;
}

/** A closed round: the `reveal` event. */
export interface RoundResult {
  round: number;
  prompt: string;
  /** The main correct answer. */
  answer: string;
  /** Every accepted answer, the main one first. */
  accepted: string[];
  results: Record<string, PlayerRoundResult>;
}

/** A finished duel: the `result` event (its result is kept on the server before it is shown). */
export interface DuelResult {
  matchId: string;
  /** The winner's sessionId, "" for a draw. */
  winner: string;
  /** Every player, best first, with the XP the duel earned them. */
  standings: msg.Standing[];
}

/** The round a reveal shows, from its snapshot and the one before (a round's points are the change in score). */
export function roundResultOf(view: DuelView, before?: DuelView): RoundResult {
  const results: RoundResult["results"] = {};
  for (const p of view.players) {
    const verdict = (p.lastVerdict || "none") as msg.Verdict;
    // The score before this round's reveal, only from a view of this same round: after a
    // reconnect the last view seen is older, and its score would add up several rounds.
    const scoreBefore = before?.round === view.round ? (before.players.find((b) => b.sessionId === p.sessionId)?.score ?? p.score) : p.score;
    const answer = p.lastChoice > 0 ? (view.choices[p.lastChoice - 1] ?? "") : p.lastAnswer;
    const result: PlayerRoundResult = { verdict, points: p.score - scoreBefore, answer };
    if (p.lastReason) result.reason = p.lastReason;
    results[p.sessionId] = result;
  }
  return { round: view.round, prompt: view.prompt, answer: view.reveal, accepted: [view.reveal, ...view.alsoAccepted], results };
}

/** The duel's result: `duel_result`'s ranking and XP, with the names and scores of the final state. */
export function duelResultOf(view: DuelView, message: msg.DuelResultMessage): DuelResult {
  const players = new Map(view.players.map((p) => [p.sessionId, p]));
  const standings = Object.entries(message.xp).map(([sessionId, xp]) => {
    const p = players.get(sessionId);
    return { sessionId, xp, name: p?.name ?? "", score: p?.score ?? 0, forfeited: p?.forfeited ?? false, isBot: p?.isBot ?? false };
  });
  return { matchId: message.matchId, winner: view.winner, standings };
}

/** A player as colyseus.js decodes them: the view's fields, `answered` and `lastVerdict` in their wire form. */
type DecodedPlayer = Omit<PlayerView, "sessionId" | "lastVerdict" | "answered"> & { lastVerdict: number; answeredRound: number };

/**
 * The duel's state as colyseus.js decodes it (by reflection, or with the SDK's own schema
 * classes): the view's fields in their wire form (the phase as its code, deadlines after
 * `clockBase`, the choice-mode answer as an index, as servers send it since the compact wire),
 * with players as a map and the lists as the schema's arrays. The SDK and the server ship
 * together: an SDK reads the wire of its own release (fields added since are optional).
 */
export type DecodedDuel = Omit<DuelView, "players" | "choices" | "alsoAccepted" | "ranked" | "challengeCode" | "reconnectSeconds" | "phase" | "phaseEndsAt" | "party" | "creator" | "watching"> &
  Partial<Pick<DuelView, "ranked" | "challengeCode" | "reconnectSeconds" | "party" | "creator" | "watching">> & {
    phase: number;
    clockBase: number;
    phaseEnds: number;
    revealChoice?: number;
    players?: { forEach(fn: (p: DecodedPlayer, sessionId: string) => void): void };
    choices?: Iterable<string>;
    alsoAccepted?: Iterable<string>;
  };

/** The server's default seat window: for a drop before the first state, or a server that does not say. */
export const DEFAULT_RECONNECT_SECONDS = 20;

/** A plain snapshot of a decoded state. */
export function toView(state: DecodedDuel): DuelView {
  const players: PlayerView[] = [];
  const { round } = state;
  state.players?.forEach((p, sessionId) => {
    players.push({
      sessionId, name: p.name, score: p.score, streak: p.streak, connected: p.connected, answered: round > 0 && p.answeredRound === round,
      isBot: p.isBot, forfeited: p.forfeited, lastVerdict: VERDICT_CODES[p.lastVerdict] ?? "", lastReason: p.lastReason ?? "", lastChoice: p.lastChoice ?? 0, lastAnswer: p.lastAnswer ?? "",
    });
  });
  const choices = state.choices ? [...state.choices] : [];
  const revealChoice = state.revealChoice ?? 0;
  return {
    phase: phaseOf(state.phase), lang: state.lang, mode: state.mode, direction: state.direction, practice: state.practice, ranked: state.ranked ?? false, challengeCode: state.challengeCode ?? "",
    party: state.party ?? false, creator: state.creator ?? "", watching: state.watching ?? 0,
    round: state.round, totalRounds: state.totalRounds, prompt: state.prompt, choices,
    roundMs: state.roundMs, phaseEndsAt: deadlineOf(state.clockBase, state.phaseEnds), players,
    reveal: revealChoice > 0 ? (choices[revealChoice - 1] ?? "") : state.reveal, alsoAccepted: state.alsoAccepted ? [...state.alsoAccepted] : [], winner: state.winner, reconnectSeconds: state.reconnectSeconds ?? DEFAULT_RECONNECT_SECONDS,
  };
}
