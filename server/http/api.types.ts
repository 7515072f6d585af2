/**
 * The JSON shapes of the HTTP API: one home for the server routes and client-sdk
 * (type-only imports, so nothing of the server reaches a browser bundle).
 */

/** A learner as sign-in answers name them. */
export interface User {
  id: string;
  name: string;
  guest: boolean;
}

/** POST /api/auth/guest, /register, /login. */
export interface Session {
  token: string;
  user: User;
}

/** A word a learner often misses, for review. */
export interface ReviewWord {
  lang: string;
  prompt: string;
  seen: number;
  missed: number;
}

/** GET /api/me. */
export interface Profile {
  user: User & { username?: string; timeZone: string };
  /** All XP, including `pendingXp`. */
  xp: number;
  /** XP of results not yet written to the database (kept in the outbox). */
  pendingXp: number;
  /** The words missed most often (missed / seen), worst first. */
  review: ReviewWord[];
  /** Words whose spaced-repetition review is due now (FSRS), in all and per language. */
  due: { total: number; byLang: Record<string, number> };
  level: number;
  streak: number;
  ratings: Record<string, number>;
  xpByLang: Record<string, number>;
  duels: number;
  wins: number;
}

/** GET /api/languages, one entry. */
export interface LanguageInfo {
  code: string;
  name: string;
  nativeName: string;
  /** Letters learners need and keyboards often lack (the deck's `keyboard`), e.g. ["ä", "ö", "ü", "ß"]. */
  keyboard: string[];
}

/** GET /api/lessons?lang=, one entry. */
export interface LessonSummary {
  id: string;
  title: string;
  level: string;
  wordCount: number;
}

/** GET /api/lessons/:id. */
export interface LessonDetail {
  id: string;
  title: string;
  level: string;
  lang: string;
  words: { prompt: string; answers: string[] }[];
}

/** One row of a leaderboard. */
export type LeaderboardRow = import("../boards").LeaderboardEntry;

/** GET /api/leaderboards/:board. */
export interface LeaderboardPage {
  board: string;
  /** "alltime" or the ISO week read, e.g. "2026-W47". */
  period: string;
  top: LeaderboardRow[];
  /** With around=me: the learner's rank (null when not on the board) and the rows around it. */
  me?: { rank: number | null; around: LeaderboardRow[] };
}
