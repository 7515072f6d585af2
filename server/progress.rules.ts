/**
 * Progress rules, pure: XP for a finished duel or practice, levels from XP, the daily streak
 * and the Elo rating per language. The stores apply these exactly once per matchId.
 *
 * XP table:
 * | event                   | duel | practice |
 * |-------------------------|------|----------|
 * | correct answer          | 10   | 5        |
 * | "almost" answer         | 5    | 2        |
 * | win                     | +25  | —        |
 * | draw                    | +10  | —        |
 * | forfeit (left the duel) | 0 in all |     |
 */
import type { MatchPlayer, MatchResult } from "../rooms/word-duel/services";

export const XP = { duel: { correct: 10, almost: 5, win: 25, draw: 10 }, practice: { correct: 5, almost: 2 } } as const;
export const START_RATING = 1200;
export const ELO_K = 32;
/** XP needed to go from level n to n+1 is LEVEL_STEP × n. */
export const LEVEL_STEP = 100;

export interface Progress {
  userId: string;
  xp: number;
  level: number;
  /** Consecutive UTC days with at least one finished duel or practice. */
  streak: number;
  /** Last UTC day (YYYY-MM-DD) that counted for the streak; "" before the first. */
  lastPlayedDay: string;
  ratings: Record<string, number>;
  xpByLang: Record<string, number>;
  duels: number;
  wins: number;
}

export function emptyProgress(userId: string): Progress {
  return { userId, xp: 0, level: 1, streak: 0, lastPlayedDay: "", ratings: {}, xpByLang: {}, duels: 0, wins: 0 };
}

/** XP one player earns from a result. */
export function xpFor(player: MatchPlayer, result: MatchResult): number {
  if (player.forfeited) return 0;
  const table = result.practice ? XP.practice : XP.duel;
  const count = (v: string) => player.words.filter((w) => w.verdict === v).length;
  let xp = count("correct") * table.correct + count("almost") * table.almost;
  if (!result.practice) {
    const draw = !result.players.some((p) => p.won);
    if (player.won) xp += XP.duel.win;
    else if (draw) xp += XP.duel.draw;
  }
  return xp;
}

/**
 * Level from total XP: level n starts at LEVEL_STEP × n(n−1)/2 XP (0, 100, 300, 600, …).
 * @example levelForXp(300) // 3
 */
export function levelForXp(xp: number): number {
  return Math.floor((1 + Math.sqrt(1 + (8 * Math.max(0, xp)) / LEVEL_STEP)) / 2);
}

/** The UTC day of an epoch-ms time, as YYYY-MM-DD. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The streak after playing on `today`: same day keeps it, the next day adds one, a gap restarts at 1. */
export function nextStreak(streak: number, lastPlayedDay: string, today: string): number {
  if (lastPlayedDay === today) return Math.max(streak, 1);
  const yesterday = utcDay(Date.parse(`${today}T00:00:00Z`) - 86_400_000);
  return lastPlayedDay === yesterday ? streak + 1 : 1;
}

/** Elo: new rating of A after scoring `scoreA` (1 win, 0.5 draw, 0 loss) against B. */
export function eloUpdate(ratingA: number, ratingB: number, scoreA: number, k = ELO_K): number {
  const expected = 1 / (1 + 10 ** ((ratingB - ratingA) / 400));
  return Math.round(ratingA + k * (scoreA - expected));
}

/**
 * New progress of every human player of a result. Ratings change only in two-player duels
 * between humans; practice and bots leave them alone.
 */
export function applyResult(before: ReadonlyMap<string, Progress>, result: MatchResult): Map<string, Progress> {
  const humans = result.players.filter((p) => !p.isBot);
  const rated = !result.practice && result.players.length === 2 && humans.length === 2;
  const today = utcDay(result.finishedAt);
  const after = new Map<string, Progress>();
  for (const player of humans) {
    const prev = before.get(player.userId) ?? emptyProgress(player.userId);
    const gained = xpFor(player, result);
    const next: Progress = { ...prev, ratings: { ...prev.ratings }, xpByLang: { ...prev.xpByLang } };
    next.xp += gained;
    next.level = levelForXp(next.xp);
    next.xpByLang[result.lang] = (next.xpByLang[result.lang] ?? 0) + gained;
    if (!player.forfeited) {
      next.streak = nextStreak(prev.streak, prev.lastPlayedDay, today);
      next.lastPlayedDay = today;
    }
    if (!result.practice) {
      next.duels += 1;
      if (player.won) next.wins += 1;
    }
    if (rated) {
      const other = humans.find((p) => p.userId !== player.userId)!;
      const mine = prev.ratings[result.lang] ?? START_RATING;
      const theirs = before.get(other.userId)?.ratings[result.lang] ?? START_RATING;
      const score = player.won ? 1 : other.won ? 0 : 0.5;
      next.ratings[result.lang] = eloUpdate(mine, theirs, score);
    }
    after.set(player.userId, next);
  }
  return after;
}
