import { LinguaLeapClient, type Direction, type Language, type Mode, type Profile, type User } from "../../client-sdk";
import { uiLanguage } from "./i18n";
import { forget, keep, readKept } from "./storage";

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
export const client = new LinguaLeapClient(location.origin, { token: readKept(TOKEN_KEY) ?? undefined });

export function rememberToken(): void {
  if (client.token) keep(TOKEN_KEY, client.token);
}

export function signOut(): void {
  client.signOut();
  forget(TOKEN_KEY);
}

export function loadPrefs(): Prefs {
  try {
    return { ...DEFAULT_PREFS, ...(JSON.parse(readKept(PREFS_KEY) ?? "{}") as Partial<Prefs>) };
  } catch {
    return DEFAULT_PREFS;
  }
}

export function savePrefs(prefs: Prefs): void {
  keep(PREFS_KEY, JSON.stringify(prefs));
}

/** The learner's time zone, sent at sign-up so daily streaks follow their days. */
export function timeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * A language's name in the interface language, as it reads inside a sentence ("es" → "Spanish",
 * "espagnol", "Spanisch"): Intl's, else the server's English name.
 */
export function languageName(langs: Language[], code: string): string {
  try {
    const name = displayNames(uiLanguage()).of(code);
    if (name && name !== code) return name;
  } catch {
    // An old browser without Intl.DisplayNames: the server's name.
  }
  return langs.find((l) => l.code === code)?.name ?? code;
}

/** One Intl.DisplayNames per interface language (screens name languages on every render). */
const namers = new Map<string, Intl.DisplayNames>();
function displayNames(ui: string): Intl.DisplayNames {
  let namer = namers.get(ui);
  if (!namer) namers.set(ui, (namer = new Intl.DisplayNames([ui], { type: "language" })));
  return namer;
}

/** A language's name standing alone (a chip, a list item): capitalised ("Espagnol"). */
export function languageLabel(langs: Language[], code: string): string {
  return capitalise(languageName(langs, code));
}

/** "English → Spanish" or "Spanish → English": what a duel translates, in the interface language. */
export function directionLabel(langs: Language[], direction: Direction, lang: string): string {
  const [from, to] = direction === "en-target" ? ["en", lang] : [lang, "en"];
  return capitalise(`${languageName(langs, from)} → ${languageName(langs, to)}`);
}

/** A label's first letter in capitals ("espagnol (XP)" → "Espagnol (XP)"), as the interface language does it. */
export function capitalise(s: string): string {
  return s ? s[0].toLocaleUpperCase(uiLanguage()) + s.slice(1) : s;
}

export type { Language, Profile, User };
