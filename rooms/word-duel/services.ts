/**
 * What a word duel room needs from the server, injected at define() time so rooms stay
 * free of configuration and storage code.
 */
import type { GuardServices } from "../shared/GuardedRoom";
import type { Identity } from "../shared/identity";
import type { MatchResult } from "../shared/match-result";
import type { Mode } from "./messages";
import type { DuelLangs, Rng, RuleWord } from "./duel.rules";

/** Phase lengths and limits of a duel. */
export interface DuelTiming {
  rounds: number;
  roundMs: Record<Mode, number>;
  countdownMs: number;
  revealMs: number;
  /** How long a finished duel stays open so clients can read the result. */
  finishedLingerMs: number;
  /** How long a dropped player may take to come back before forfeiting. */
  reconnectSeconds: number;
  /** On shutdown, how long a running duel may take to finish before it is ended. */
  shutdownGraceMs: number;
  /** How long a ranked duel waits for its paired learners before it is called off. */
  noShowMs: number;
  /** How long a duel waits for an opponent before it closes (ranked duels: noShowMs). */
  waitingTimeoutMs: number;
}

export interface DuelServices extends GuardServices {
  /** Languages on offer, e.g. ["de", "es"]. */
  langs(): readonly string[];
  /** Words a duel may ask in `lang` (one lesson's when lessonId is given; null if unknown). */
  words(lang: string, lessonId?: string): readonly RuleWord[] | null;
  /** Every word of `lang`: the pool distractors are drawn from. */
  pool(lang: string): readonly RuleWord[];
  /** How answers in `lang` and in English are judged (their deck's and content/english.json's rules); null if unknown. */
  judging(lang: string): DuelLangs | null;
  /** Verifies a JWT; throws an Error whose `code` is an AUTH_* code when it is not good. */
  verifyToken(token: string): Identity;
  /**
   * English prompts of the words a learner should review in `lang`, most urgent first: the
   * words their review cards say are due, then those they miss most ([] when unknown).
   */
  reviewPrompts(userId: string, lang: string): Promise<string[]>;
  /** Whether the token's account still exists. */
  userExists(userId: string): Promise<boolean>;
  timing: DuelTiming;
  /** Records a finished duel; may reject (the room logs it). */
  recordResult(result: MatchResult): Promise<void>;
  rng: Rng;
}
