/**
 * Who gets into a class game, pure: the PIN a class joins with and the nicknames players may
 * take. How the class did (tallies, the top five, the report) is report.rules.ts; judging and
 * scoring are the duel's (rooms/word-duel/duel.rules.ts). Randomness comes in as an argument.
 */
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from "obscenity";
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

/** A nickname as compared for duplicates: case and accents folded ("José" = "jose"). */
function nameKey(name: string): string {
  return foldAccents(tidyName(name).toLowerCase());
}

/** The recommended English matcher of `obscenity` (leetspeak, repeated letters; "Scunthorpe" passes). */
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** True when a text holds a profanity the maintained filter knows. */
export function isProfane(text: string): boolean {
  return matcher.hasMatch(text);
}

/**
 * A nickname a player asks for, checked: its length, its characters (letters, digits,
 * spaces, `-_.'`), the profanity filter, and the names already in the game.
 * @example checkName(" Ana ", ["Ben"]) // { ok: true, name: "Ana" }
 */
export function checkName(raw: string, taken: readonly string[], profane: (text: string) => boolean = isProfane): { ok: true; name: string } | { ok: false; reason: NameRefusal; message: string } {
  const name = tidyName(raw);
  const length = [...name].length;
  if (length < NAME_MIN || length > NAME_MAX) return { ok: false, reason: "length", message: `a name has ${NAME_MIN} to ${NAME_MAX} characters` };
  if (!/^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} \-_.']*$/u.test(name)) return { ok: false, reason: "characters", message: "a name has letters, digits, spaces and - _ . ' only, and starts with a letter or digit" };
  if (profane(name)) return { ok: false, reason: "profane", message: "choose another name" };
  const key = nameKey(name);
  if (taken.some((t) => nameKey(t) === key)) return { ok: false, reason: "taken", message: `someone in this game is called "${name}" already` };
  return { ok: true, name };
}
