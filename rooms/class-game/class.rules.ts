/**
 * Who gets into a class game, pure: the PIN a class joins with and the nicknames players may
 * take. How the class did (tallies, the top five, the report) is report.rules.ts; judging and
 * scoring are the duel's (rooms/word-duel/duel.rules.ts). Randomness comes in as an argument.
 */
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from "obscenity";
import type { ErrorCode } from "../../server/errors";
import { foldAccents } from "../word-duel/judge.rules";

/** A random source in [0, 1), like Math.random. */
export type Rng = () => number;

/** Digits in a class game's PIN. */
export const PIN_LENGTH = 6;

/**
 * A PIN of {@link PIN_LENGTH} digits, never starting with 0 (so it reads and types as a number).
 * @example classPin(Math.random) // "482913"
 */
export function classPin(rng: Rng): string {
  let pin = String(1 + Math.floor(rng() * 9));
  while (pin.length < PIN_LENGTH) pin += String(Math.floor(rng() * 10));
  return pin;
}

const PIN_SHAPE = new RegExp(`^[1-9][0-9]{${PIN_LENGTH - 1}}$`);

/** True for a string that can be a PIN: what a join form may send on, before any lookup. */
export function isPin(text: string): boolean {
  return PIN_SHAPE.test(text);
}

/** Shortest and longest nickname, in characters. */
export const NAME_MIN = 2;
export const NAME_MAX = 20;

/** Why a nickname is refused. */
export type NameRefusal = "length" | "characters" | "profane" | "taken";

/** A nickname as shown: NFC, spaces folded to one, trimmed. */
export function tidyName(raw: string): string {
  return raw.normalize("NFC").replace(/\s+/g, " ").trim();
}

/**
 * A nickname as compared for duplicates: compatibility forms folded (full-width "Ａｎａ"), case,
 * accents, and everything but letters and digits dropped — "José", "jose", "Jo se" and
 * "jose." are one name on a projector.
 */
export function nameKey(name: string): string {
  return foldAccents(tidyName(name).normalize("NFKC").toLowerCase()).replace(/[^\p{L}\p{N}]/gu, "");
}

/** Characters that show as nothing (fillers, default-ignorables): a name made of them is invisible. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u115f\u1160\u3164\uffa0]/u;
/** More than two marks on one letter: a name that spills over the lines around it. */
const STACKED_MARKS = /\p{M}{3,}/u;
/** Scripts whose letters look alike: one name may not mix them ("Аna" with a Cyrillic А is not "Ana"). */
const LOOKALIKE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/** Why a name's characters are refused, or undefined when they are fine. */
function badCharacters(name: string): string | undefined {
  if (!/^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} \-_.']*$/u.test(name)) return "a name has letters, digits, spaces and - _ . ' only, and starts with a letter or digit";
  if (INVISIBLE.test(name) || STACKED_MARKS.test(name)) return "a name has letters you can see, each with at most two accents";
  if (LOOKALIKE_SCRIPTS.filter((script) => script.test(name)).length > 1) return "a name is written in one alphabet (not Latin and Cyrillic or Greek mixed)";
  return undefined;
}

/** The name's letters spelled out one by one ("f.u.c.k", "f u c k") joined up, for the filter. */
function spelledOut(name: string): string | undefined {
  const parts = name.split(/[ \-_.']+/u).filter(Boolean);
  return parts.length >= 3 && parts.every((p) => [...p].length === 1) ? parts.join("") : undefined;
}

/** The recommended English matcher of `obscenity` (leetspeak, repeated letters; "Scunthorpe" passes). */
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** True when a text holds a profanity the maintained filter knows. */
export function isProfane(text: string): boolean {
  return matcher.hasMatch(text);
}

/**
 * A nickname a player asks for, checked: its length, its characters (letters, digits,
 * spaces, `-_.'`; nothing invisible, at most two marks on a letter, one alphabet of look-alike
 * letters), the profanity filter (also on letters spelled out one by one), and the names
 * already in the game (see nameKey).
 * @example checkName(" Ana ", ["Ben"]) // { ok: true, name: "Ana" }
 */
export function checkName(raw: string, taken: readonly string[], profane: (text: string) => boolean = isProfane): { ok: true; name: string } | { ok: false; reason: NameRefusal; message: string } {
  const name = tidyName(raw);
  const length = [...name].length;
  if (length < NAME_MIN || length > NAME_MAX) return { ok: false, reason: "length", message: `a name has ${NAME_MIN} to ${NAME_MAX} characters` };
  const characters = badCharacters(name);
  if (characters) return { ok: false, reason: "characters", message: characters };
  const joined = spelledOut(name);
  if (profane(name) || (joined !== undefined && profane(joined))) return { ok: false, reason: "profane", message: "choose another name" };
  const key = nameKey(name);
  if (taken.some((t) => nameKey(t) === key)) return { ok: false, reason: "taken", message: `someone in this game is called "${name}" already` };
  return { ok: true, name };
}

/** Who is joining a class game, and the game as it is. */
export interface Joining {
  removed: boolean;
  watcher: boolean;
  /** The game has its host already. */
  hosted: boolean;
  /** The joining account is the host's. */
  isHost: boolean;
  /** The join says it comes back as the host (`{host: true}`). */
  asHost: boolean;
  /** The account has a seat in this game already. */
  seated: boolean;
  over: boolean;
  locked: boolean;
  players: number;
  maxPlayers: number;
  name: string;
  taken: readonly string[];
}

/** What a join is: the host's seat (first, or back), a player's (new, or back), a watcher's place, or a refusal. */
export type Admission =
  | { do: "host" | "host_back" | "player_back" | "watch" }
  | { do: "seat"; name: string }
  | { do: "refuse"; code: ErrorCode; message: string };

/**
 * Who gets in, in order. The first to join is the creator (nobody else can know the room
 * before its PIN is out). The host's own account without `{host: true}` is the teacher trying
 * the PIN on their phone, which would take the projector's screen away. A learner with a seat
 * always comes back; a new one needs an open game, a free seat and a name.
 * @example admission({ ...joining, hosted: false }) // { do: "host" }
 */
export function admission(j: Joining): Admission {
  if (j.removed) return { do: "refuse", code: "CLASS_REMOVED", message: "the host removed you from this game" };
  if (j.watcher) return { do: "watch" };
  if (!j.hosted) return { do: "host" };
  if (j.isHost) return j.asHost ? { do: "host_back" } : { do: "refuse", code: "CLASS_IS_HOST", message: "you host this game: the host screen is yours; join from another account to play" };
  if (j.seated) return { do: "player_back" };
  if (j.over) return { do: "refuse", code: "CLASS_ENDED", message: "this class game is over" };
  if (j.locked) return { do: "refuse", code: "CLASS_LOCKED", message: "the host has locked this game: no new players" };
  if (j.players >= j.maxPlayers) return { do: "refuse", code: "CLASS_FULL", message: `this class game has its ${j.maxPlayers} players already` };
  const name = checkName(j.name, j.taken);
  if (!name.ok) return { do: "refuse", code: name.reason === "taken" ? "CLASS_NAME_TAKEN" : "CLASS_NAME_REFUSED", message: name.message };
  return { do: "seat", name: name.name };
}
