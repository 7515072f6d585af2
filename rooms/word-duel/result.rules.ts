/**
 * A finished duel's result, pure: the record for the store (MatchResult), the winner and
 * the ranked XP players see (duel_result), from the final lines of the room.
 */
import { xpFor } from "./worth.rules";
import type { DuelResultMessage } from "./messages";
import { duelOutcome, type FinalLine, type Mode } from "./duel.rules";
import type { MatchPlayer, MatchResult } from "../shared/match-result";

export interface FinishedDuel {
  matchId: string;
  lang: string;
  mode: Mode;
  practice: boolean;
  game?: MatchResult["game"];
  finishedAt: number;
  /** Each player's final line, with the account and the words they were asked. */
  lines: (FinalLine & { userId: string; words: MatchPlayer["words"] })[];
}

/** The result to record, the winner ("" for a draw) and the message to broadcast. */
export function duelResult(duel: FinishedDuel): { result: MatchResult; winner: string; message: DuelResultMessage } {
  const { winner, ranked } = duelOutcome(duel.lines);
  const { matchId, lang, mode, practice, game, finishedAt } = duel;
  const players: MatchPlayer[] = ranked.map(({ sessionId, name, score, forfeited, isBot, placement, userId, words }) => ({ userId, name, score, placement, won: sessionId === winner, forfeited, isBot, words }));
  const result: MatchResult = { matchId, lang, mode, practice, finishedAt, players };
  if (game) result.game = game;
  const xp: DuelResultMessage["xp"] = {};
  ranked.forEach(({ sessionId, isBot }, i) => (xp[sessionId] = isBot ? 0 : xpFor(players[i], result)));
  return { result, winner, message: { matchId, xp } };
}
