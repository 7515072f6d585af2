/**
 * Real words near the decks' words, for the judge. A typed answer one letter or one accent
 * away from a right one that is itself a correctly spelled word of the language ("horse" for
 * "house", "pero" for "perro", "ano" for "año") is another word, judged wrong, not a slip.
 *
 * What is a word comes from the maintained Hunspell dictionaries on npm (`dictionary-<lang>`,
 * checked with `nspell`) and from every form in the decks. nspell needs a whole dictionary in
 * memory to check a word: hundreds of MB and seconds (French) to minutes (Italian and
 * Portuguese, wooorm/nspell#11) per language, too much for every game process. So
 * `npm run lexicon` (content/lexicon-build.ts, run by `npm start`, `npm test` and
 * `npm run build`) works out once, per language, every correctly spelled word within one
 * edit of a deck word, and keeps them in content/lexicon/<lang>.json, keyed by the deck
 * words and the dictionary's version so a changed deck is worked out again. The server reads
 * those files once at start-up ({@link loadLexicons}): a few thousand words per language.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { foldAccents, normalize, wordsOf, type LangRules } from "../rooms/word-duel/judge.rules";
import type { Deck, TargetLang } from "./decks";

/** Where the worked-out lexicons are kept (a build output, ignored by git). */
export const LEXICON_DIR = join(__dirname, "lexicon");
/** Bump when what a lexicon holds changes, so every cached one is worked out again. */
export const LEXICON_FORMAT = 2;

/** A lexicon file: the real words near one language's deck words. */
export interface LexiconFile {
  lang: string;
  /** What it was worked out from ({@link lexiconKey}). */
  key: string;
  dictionary: string;
  /** Correctly spelled words within one edit of a deck word (not the deck words themselves). */
  near: string[];
}

/**
 * The single words of an answer as the judge compares them ({@link wordsOf} of its normalised text).
 * @example splitWords("¿Qué hora es?") // ["qué", "hora", "es"]
 */
export function splitWords(text: string): string[] {
  return wordsOf(normalize(text));
}

/**
 * Every word of every form, per language: English from every deck's `en` side, each deck's
 * language from its `target` side.
 */
export function deckVocabulary(decks: ReadonlyMap<TargetLang, Deck>): Map<string, Set<string>> {
  const vocab = new Map<string, Set<string>>([["en", new Set()]]);
  for (const [lang, deck] of decks) {
    const target = new Set<string>();
    vocab.set(lang, target);
    for (const lesson of deck.lessons) {
      for (const word of lesson.words) {
        for (const form of word.en) for (const w of splitWords(form)) vocab.get("en")!.add(w);
        for (const form of word.target) for (const w of splitWords(form)) target.add(w);
      }
    }
  }
  return vocab;
}

/**
 * A lexicon's key: its format and the deck words it is near. (The dictionary's version is kept
 * beside it, `dictionary`: the builder works a lexicon out again when that changes; a server
 * without the dev dictionaries installed still reads it.)
 */
export function lexiconKey(words: ReadonlySet<string>): string {
  return createHash("sha256")
    .update(JSON.stringify([LEXICON_FORMAT, [...words].sort()]))
    .digest("hex")
    .slice(0, 32);
}

/** The letters a language's words are made of: a–z and every other letter its deck words use. */
export function alphabetOf(words: Iterable<string>): string[] {
  const letters = new Set("abcdefghijklmnopqrstuvwxyz");
  for (const w of words) for (const ch of w) if (/\p{L}/u.test(ch)) letters.add(ch);
  return [...letters];
}

/**
 * Every string one edit from `word` (a letter inserted, deleted, replaced, or two neighbours
 * swapped) over `alphabet`, and the word with its accents folded away.
 * @example [...oneEditAway("año", ["n", "a", "o"])].includes("ano") // true
 */
export function* oneEditAway(word: string, alphabet: readonly string[]): Generator<string> {
  const chars = [...word];
  yield foldAccents(word);
  for (let i = 0; i <= chars.length; i++) {
    const head = chars.slice(0, i).join("");
    const tail = chars.slice(i).join("");
    for (const ch of alphabet) yield head + ch + tail;
    if (i < chars.length) {
      const rest = chars.slice(i + 1).join("");
      yield head + rest;
      for (const ch of alphabet) if (ch !== chars[i]) yield head + ch + rest;
      if (i + 1 < chars.length) yield head + chars[i + 1] + chars[i] + chars.slice(i + 2).join("");
    }
  }
}

/** A cached lexicon that still matches the deck words, or undefined (missing, stale, unreadable). */
export function readLexicon(lang: string, words: ReadonlySet<string>, dir = LEXICON_DIR, key = lexiconKey(words)): LexiconFile | undefined {
  const file = join(dir, `${lang}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as LexiconFile;
    return parsed.key === key && Array.isArray(parsed.near) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** What {@link loadLexicons} found: each language's real words, and the languages it had none for. */
export interface Lexicons {
  words: Map<string, ReadonlySet<string>>;
  /** Languages judged with their deck words only: no lexicon worked out for their current decks. */
  missing: string[];
}

/** What was read, per set of decks (a process loads its decks once) and folder. */
const loaded = new WeakMap<ReadonlyMap<TargetLang, Deck>, Map<string, Lexicons>>();

/**
 * Each language's real words (its deck words and the lexicon near them), read once per set of
 * decks, and again while one is missing. A language whose lexicon is missing or stale is
 * judged with its deck words only (and listed in `missing`): `npm run lexicon` works it out.
 */
export function loadLexicons(decks: ReadonlyMap<TargetLang, Deck>, dir = LEXICON_DIR): Lexicons {
  const cached = loaded.get(decks)?.get(dir);
  if (cached) return cached;
  const result: Lexicons = { words: new Map(), missing: [] };
  for (const [lang, words] of deckVocabulary(decks)) {
    const file = readLexicon(lang, words, dir);
    if (!file) result.missing.push(lang);
    result.words.set(lang, new Set([...words, ...(file?.near ?? [])]));
  }
  // Kept only when whole: a lexicon missing now may be worked out later in this process (a test run's setup).
  if (result.missing.length === 0) {
    if (!loaded.has(decks)) loaded.set(decks, new Map());
    loaded.get(decks)!.set(dir, result);
  }
  return result;
}

/**
 * A language's rules with its real words, for the judge.
 * @example withWords(spanish, loadLexicons(decks).words.get("es"))
 */
export function withWords<R extends LangRules>(rules: R, words: ReadonlySet<string> | undefined): R {
  return words ? { ...rules, words } : rules;
}
