/**
 * A finished duel or practice as the rooms produce it and the server keeps it (outbox,
 * store, progress rules): the shared data model between rooms/ and server/. Recorded exactly
 * once by matchId.
 */
import type { AlmostReason, Mode, Verdict } from "../word-duel/messages";

/** One player's line of a finished duel, as recorded for progress. */
export interface MatchPlayer {
  userId: string;
  name: string;
  score: number;
  /** 1 for the winner; equal scores share a place. */
  placement: number;
  won: boolean;
  forfeited: boolean;
  isBot: boolean;
  /**
   * Each round's word (its English form) and this player's verdict: why an almost was almost,
   * and how long the answer took (ms from the round's start; none without an answer).
   */
  words: { prompt: string; verdict: Verdict; reason?: AlmostReason; ms?: number }[];
  /** The most XP this line earns, when less than its answers are worth (an offline practice past the day's cap). */
  xpCap?: number;
}

/** A finished duel or practice: recorded exactly once by matchId. */
export interface MatchResult {
  matchId: string;
  lang: string;
  mode: Mode;
  practice: boolean;
  /** A class game's ("class") or a party's ("party") result: XP, streaks and reviews count; ratings never move. Absent for duels and practice. */
  game?: "class" | "party";
  finishedAt: number;
  players: MatchPlayer[];
}
