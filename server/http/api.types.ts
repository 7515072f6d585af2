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

/** GET /api/me. */
export interface Profile {
  user: User & { username?: string };
  xp: number;
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
