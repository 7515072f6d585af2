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
  user: User & { username?: string; timeZone: string; /** The interface language kept for the account (en, es, fr, de, it, pt), if one was chosen. */ uiLang?: string };
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

/** Where a learner stands in a cohort if the week ended now: moving up, staying, moving down. */
export type LeagueZone = "up" | "stay" | "down";

/** One learner of a league cohort, in standings order. */
export interface LeagueStanding {
  rank: number;
  userId: string;
  name: string;
  /** XP earned this league week. */
  xp: number;
  zone: LeagueZone;
}

/** What the end of a past league week did to the learner. */
export interface LeagueOutcome {
  /** The league week it ended, e.g. "2026-W48". */
  week: string;
  move: LeagueZone;
  /** The tier the learner is in since (index into `tiers`) and its name. */
  tier: number;
  tierName: string;
  /** Their final rank in that week's cohort. */
  rank: number;
  /** What to tell them, e.g. "Promoted to Silver". */
  message: string;
}

/** GET /api/leagues/me. */
export interface LeaguePage {
  /** The server's clock when it answered (epoch ms): count the time left from it, not from the device's. */
  now: number;
  /** This league week, named by the ISO week of its start, e.g. "2026-W49". */
  week: string;
  /** When it started and ends (epoch ms, UTC). */
  startsAt: number;
  endsAt: number;
  /** The ten tier names, lowest first. */
  tiers: string[];
  /** The learner's tier (index into `tiers`) and its name. */
  tier: number;
  tierName: string;
  /** False until the learner earns XP this week: then cohort and me are null. */
  joined: boolean;
  cohort: {
    /** Learners in a full cohort, and how many move up and down from this one. */
    size: number;
    promote: number;
    demote: number;
    standings: LeagueStanding[];
  } | null;
  me: { rank: number; xp: number; zone: LeagueZone } | null;
  /** The last week that moved the learner, or null when none has ended for them. */
  last: LeagueOutcome | null;
}

/** Offline practice's shapes live with its rules (server/offline.rules.ts; a pack's judging rules in rooms/word-duel/offline.rules.ts). */
export type { LessonPack, OfflineAnswer, OfflinePractice } from "../offline.rules";
export type { LangRulesJson } from "../../rooms/word-duel/offline.rules";

/** The answer to POST /api/practice/offline (200): recorded now, or already before. */
export interface OfflineReceipt {
  id: string;
  /** "recorded" the first time, "duplicate" when this id was recorded before (nothing changed). */
  status: "recorded" | "duplicate";
  /** XP it earned, after the daily cap. */
  xp: number;
  /** True when the daily offline cap took some or all of its XP. */
  capped: boolean;
  /** The server's verdict on each answer, in order (it judges again; these are the ones that count). */
  verdicts: import("../../rooms/word-duel/messages").Verdict[];
}
