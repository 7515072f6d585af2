/**
 * What a finished duel or practice is worth, pure: the XP each player earns and how a rated
 * duel moves the players' Elo ratings. A game rule, so the room shows exactly what the store
 * will apply (server/progress.rules.ts plans the rest: level, streak, word stats, boards).
 *
 * XP table:
 * | event                   | duel | practice |
 * |-------------------------|------|----------|
 * | correct answer          | 10   | 5        |
 * | "almost" answer         | 5    | 2        |
 * | win                     | +25  | —        |
 * | draw                    | +10  | —        |
 * | forfeit (left the duel) | 0 in all |     |
 *
 * A class game counts as a duel, but its win bonus needs another player and points scored,
 * and it has no draw bonus (see classWin).
 */
import type { MatchPlayer, MatchResult } from "../shared/match-result";

export const XP = { duel: { correct: 10, almost: 5, win: 25, draw: 10 }, practice: { correct: 5, almost: 2 } } as const;
/** Every learner's rating in a language before their first rated duel in it. */
export const START_RATING = 1200;
/** How far one rated duel can move a rating. */
export const ELO_K = 32;

/**
 * XP one player earns from a result.
 * @example xpFor(winner, result) // 10 per correct + 5 per almost + 25 for the win
 */
export function xpFor(player: MatchPlayer, result: MatchResult): number {
  const xp = earned(player, result);
  return player.xpCap === undefined ? xp : Math.max(0, Math.min(xp, player.xpCap));
}

function earned(player: MatchPlayer, result: MatchResult): number {
  if (player.forfeited) return 0;
  const table = result.practice ? XP.practice : XP.duel;
  const count = (v: string) => (player.words ?? []).filter((w) => w.verdict === v).length;
  let xp = count("correct") * table.correct + count("almost") * table.almost;
  if (result.game === "class") return xp + (classWin(player, result) ? XP.duel.win : 0);
  if (!result.practice) {
    const draw = !result.players.some((p) => p.won);
    if (player.won) xp += XP.duel.win;
    else if (draw) xp += XP.duel.draw;
  }
  return xp;
}

/**
 * A class game's win bonus goes to its one top scorer, only against at least one other player
 * and with points scored: a game hosted for oneself, or nobody answering, earns no bonus (and a
 * class game has no draw bonus).
 */
function classWin(player: MatchPlayer, result: MatchResult): boolean {
  return player.won && player.score > 0 && result.players.length >= 2;
}

/**
 * Elo: new rating of A after scoring `scoreA` (1 win, 0.5 draw, 0 loss) against B.
 * @example eloUpdate(1200, 1200, 1) // 1216
 */
export function eloUpdate(ratingA: number, ratingB: number, scoreA: number, k = ELO_K): number {
  const expected = 1 / (1 + 10 ** ((ratingB - ratingA) / 400));
  return Math.round(ratingA + k * (scoreA - expected));
}
