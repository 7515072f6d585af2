import { LinguaLeapClient, type Direction, type Language, type Mode, type Profile, type User } from "../../client-sdk";

const TOKEN_KEY = "lingualeap.token";
const PREFS_KEY = "lingualeap.prefs";

/** What the learner picked on the home screen (kept across visits). */
export interface Prefs {
  lang: string;
  mode: Mode;
  direction: Direction;
}

const DEFAULT_PREFS: Prefs = { lang: "es", mode: "choice", direction: "en-target" };

/** The one SDK client of the page; its token lives in localStorage so a reload keeps you signed in. */
export const client = new LinguaLeapClient(location.origin, { token: read(TOKEN_KEY) ?? undefined });

export function rememberToken(): void {
  if (client.token) write(TOKEN_KEY, client.token);
}

export function signOut(): void {
  client.signOut();
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode: nothing was stored.
  }
}

export function loadPrefs(): Prefs {
  try {
    return { ...DEFAULT_PREFS, ...(JSON.parse(read(PREFS_KEY) ?? "{}") as Partial<Prefs>) };
  } catch {
    return DEFAULT_PREFS;
  }
}

export function savePrefs(prefs: Prefs): void {
  write(PREFS_KEY, JSON.stringify(prefs));
}

/** The learner's time zone, sent at sign-up so daily streaks follow their days. */
export function timeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function languageName(langs: Language[], code: string): string {
  return langs.find((l) => l.code === code)?.name ?? code;
}

export type { Language, Profile, User };

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or full storage: the game still works for this visit.
  }
}
