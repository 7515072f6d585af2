/**
 * Leaderboards, pure: which boards exist, how a request names one, and which scores a
 * learner's progress puts on them. Boards: `global` (XP), `<lang>` (XP in that language),
 * `rating-<lang>` (Elo in that language); periods `alltime` and `weekly` (ISO week, UTC).
 */
import { AppError, echo } from "./errors";
import { isoWeek, type Progress } from "./progress.rules";
import type { BoardRef, LeaderboardEntry } from "../rooms/leaderboard/messages";

export type { BoardRef, LeaderboardEntry };

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 10;
/** Rows above and below the learner in an around-me answer. */
export const AROUND_SPAN = 5;

export { before } from "../rooms/leaderboard/rules";

/**
 * Reads a board request; throws AppError BAD_REQUEST with a plain message when it is wrong.
 * @example parseBoardQuery("es", { period: "weekly" }, ["es"], now) // { board: "es", period: "2026-W47", … }
 */
export function parseBoardQuery(board: string, query: Record<string, unknown>, langs: readonly string[], now: number): BoardRef & { limit: number; aroundMe: boolean } {
  const rating = /^rating-([a-z]{2})$/.exec(board);
  const known = board === "global" || langs.includes(board) || (rating !== null && langs.includes(rating[1]));
  if (!known) throw new AppError("BAD_REQUEST", `unknown board ${echo(board)}: use global, a language (${langs.join(", ")}) or rating-<language>`);
  const period = query.period ?? "alltime";
  if (period !== "alltime" && period !== "weekly") throw new AppError("BAD_REQUEST", 'period must be "alltime" or "weekly"');
  if (rating && period === "weekly") throw new AppError("BAD_REQUEST", "rating boards have no weekly period");
  const week = query.week;
  if (week !== undefined && (period !== "weekly" || typeof week !== "string" || !isWeek(week))) {
    throw new AppError("BAD_REQUEST", 'week goes with period=weekly and names an ISO week that exists, like "2026-W47"');
  }
  const limitText = query.limit ?? String(DEFAULT_LIMIT);
  const limit = typeof limitText === "string" && /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new AppError("BAD_REQUEST", `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  const around = query.around;
  if (around !== undefined && around !== "me") throw new AppError("BAD_REQUEST", 'around takes only "me"');
  return { board, period: period === "weekly" ? (week as string | undefined) ?? isoWeek(now) : "alltime", limit, aroundMe: around === "me" };
}

/**
 * Whether `text` names an ISO week that exists: W53 only in a year that has one, years 2000–2999.
 * @example isWeek("2026-W53") // true
 * @example isWeek("2025-W53") // false (2025 has 52)
 */
export function isWeek(text: string): boolean {
  if (!/^2\d{3}-W(0[1-9]|[1-4]\d|5[0-3])$/.test(text)) return false;
  return isoWeek(weekEndsAt(text)! - 86_400_000) === text;
}

/** The boards a match in `lang` during ISO `week` can change. */
export function boardsTouched(lang: string, week: string): BoardRef[] {
  return [
    { board: "global", period: "alltime" },
    { board: lang, period: "alltime" },
    { board: "global", period: week },
    { board: lang, period: week },
    { board: `rating-${lang}`, period: "alltime" },
  ];
}

/** The scores a learner's progress puts on the boards a match in `lang` during `week` touched. */
export function boardScores(progress: Progress, lang: string, week: string): (BoardRef & { score: number })[] {
  const [global, inLang, globalWeek, langWeek, rating] = boardsTouched(lang, week);
  const scores = [
    { ...global, score: progress.xp },
    { ...inLang, score: progress.xpByLang[lang] ?? 0 },
    { ...globalWeek, score: progress.weekly[week]?.global ?? 0 },
    { ...langWeek, score: progress.weekly[week]?.[lang] ?? 0 },
  ];
  if (progress.ratings[lang] !== undefined) scores.push({ ...rating, score: progress.ratings[lang] });
  return scores;
}

/**
 * A row a recorded result set on a board: the learner's absolute score there and the
 * `boardVersion` of their progress it was read at (a higher version is newer).
 */
export interface BoardRow extends BoardRef {
  userId: string;
  name: string;
  score: number;
  version: number;
}

/** Where a store sends the rows a result set, besides itself (the Redis sorted sets, live boards). */
export interface BoardSink {
  /** Resolves once the rows are where they go; a rejection fails the result's step (it is retried). */
  write(rows: readonly BoardRow[]): Promise<void>;
  /** A learner's new display name (a guest who made an account); best effort: their next result writes it again. */
  rename?(userId: string, name: string): Promise<void>;
}

/**
 * A board sink that failed (Redis away, full, read-only, loading…). Never the result's
 * fault: the recorder counts it as an outage, and the result waits in the outbox.
 */
export class BoardSinkError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the boards could not take a result's rows: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = "BoardSinkError";
  }
}

/** A stable string for a board, e.g. "es|2026-W47" (used for presence channels and maps). */
export function boardKey(ref: BoardRef): string {
  return `${ref.board}|${ref.period}`;
}

/**
 * When an ISO week ends (epoch ms, UTC: the Monday after it), or undefined for a period that
 * is not a week ("alltime").
 * @example weekEndsAt("2026-W49") // Date.parse("2026-12-07T00:00:00Z")
 */
export function weekEndsAt(period: string): number | undefined {
  const m = /^(\d{4})-W(\d{2})$/.exec(period);
  if (!m) return undefined;
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  const firstMonday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  return firstMonday + Number(m[2]) * 7 * 86_400_000;
}
