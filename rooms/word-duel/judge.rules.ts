/**
 * Answer judging for word duels: pure text functions, no I/O, no Colyseus. What differs from
 * one language to another comes in as {@link LangRules}: a deck's `articles` and `spellings`
 * (content/decks/<lang>.json; English's in content/english.json). No word list lives here.
 *
 * How a typed answer is judged against the accepted answers of a word:
 * 1. Both sides are normalised: Unicode NFC, lower case, curly quotes made straight,
 *    hints in parentheses dropped ("orange (fruit)" → "orange"), punctuation at the
 *    edges dropped ("¿qué?" → "qué"), runs of spaces folded to one.
 * 2. One leading article of the answer's language is optional ("la manzana" = "manzana";
 *    "l'eau" = "eau"; English "the/a/an/to": "to eat" = "eat").
 * 3. Equal after that → `correct`. An accepted answer written with the language's substitute
 *    spellings is also `correct` (German `ae/oe/ue/ss` for `ä/ö/ü/ß`: standard German
 *    spelling where umlauts cannot be typed).
 * 4. Equal once accents are folded away ("manana" for "mañana") → `almost` (reason `accent`).
 * 5. One typo (insert, delete, substitute or swap two neighbours) on an answer of at least
 *    {@link TYPO_MIN_LENGTH} letters → `almost` (reason `typo`).
 * 6. Anything else → `wrong`.
 */
import type { AlmostReason } from "./messages";

/**
 * How answers in one language are compared: what a deck (or content/english.json) declares.
 * @example const spanish: LangRules = { lang: "es", articles: ["el", "la"], spellings: {} };
 */
export interface LangRules {
  /** The language's code: "es", or "en" for English. */
  lang: string;
  /**
   * Leading words a learner may leave out, lower case, tried in order: articles, elided
   * forms ending with an apostrophe ("l'"), English's infinitive "to".
   */
  articles: readonly string[];
  /** Substitute spellings that are also correct: each key may be typed as its value ("ß" → "ss"). */
  spellings: Readonly<Record<string, string>>;
}

/** How a typed answer compares with the accepted answers. */
export type Judgement =
  | { verdict: "correct" }
  | { verdict: "almost"; reason: AlmostReason }
  | { verdict: "wrong" };

/** Answers shorter than this (letters, after folding) get no typo tolerance. */
export const TYPO_MIN_LENGTH = 5;

const EDGE_PUNCTUATION = /^[\s¿¡!?.,;:"«»“”„()\-–—…]+|[\s¿¡!?.,;:"«»“”„()\-–—…]+$/gu;

/**
 * Normalises text for comparison (step 1 above).
 * @example normalize("  ¿La  Mañana? ") // "la mañana"
 */
export function normalize(text: string): string {
  return text
    .normalize("NFC")
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\([^)]*\)/g, " ")
    .replace(/\s+/g, " ")
    .replace(EDGE_PUNCTUATION, "")
    .trim();
}

/**
 * Drops one optional leading article of the language (step 2). Never strips the whole text.
 * @example stripArticle("la manzana", { lang: "es", articles: ["el", "la"], spellings: {} }) // "manzana"
 */
export function stripArticle(normalized: string, rules: LangRules): string {
  for (const word of rules.articles) {
    if (word.endsWith("'")) {
      if (normalized.startsWith(word) && normalized.length > word.length) {
        return normalized.slice(word.length).trimStart();
      }
    } else if (normalized.startsWith(word + " ") && normalized.length > word.length + 1) {
      return normalized.slice(word.length + 1);
    }
  }
  return normalized;
}

/**
 * Removes accents and folds ligatures: "mañana" → "manana", "straße" → "strasse".
 * @example foldAccents("élève") // "eleve"
 */
export function foldAccents(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/ß/g, "ss")
    .replace(/æ/g, "ae")
    .replace(/œ/g, "oe")
    .replace(/ø/g, "o")
    .normalize("NFC");
}

/** A text written with the language's substitute spellings (step 3): "mädchen" → "maedchen". */
function respell(text: string, spellings: LangRules["spellings"]): string {
  let out = text;
  for (const [letter, substitute] of Object.entries(spellings)) out = out.replaceAll(letter, substitute);
  return out;
}

/**
 * True when `a` and `b` differ by at most one insertion, deletion, substitution or
 * swap of two neighbouring characters (optimal string alignment distance ≤ 1).
 * @example withinOneEdit("manzana", "mazana") // true
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const [s, t] = a.length <= b.length ? [a, b] : [b, a];
  if (t.length - s.length > 1) return false;
  let i = 0;
  while (i < s.length && s[i] === t[i]) i++;
  if (s.length === t.length) {
    if (s.slice(i + 1) === t.slice(i + 1)) return true;
    return s[i] === t[i + 1] && s[i + 1] === t[i] && s.slice(i + 2) === t.slice(i + 2);
  }
  return s.slice(i) === t.slice(i + 1);
}

/**
 * The comparable form of one answer: normalised, with its optional article dropped.
 * @example answerKey("La Manzana", spanish) // "manzana"
 */
export function answerKey(text: string, rules: LangRules): string {
  return stripArticle(normalize(text), rules);
}

function letterCount(text: string): number {
  return text.replace(/[\s'-]/g, "").length;
}

/** One comparable form of an accepted answer with what the judge compares it by, made once. */
export interface AnswerKey {
  key: string;
  /** Written with the language's substitute spellings. */
  respelled: string;
  folded: string;
  /** Long enough for one typo to count as "almost". */
  typoAllowed: boolean;
}

/**
 * The accepted answers of a word, ready to judge against: deck text does not change, so a
 * question prepares them once (buildQuestion) instead of on every answer.
 * @example answerKeys(["la mañana"], spanish) // [{ key: "la mañana", … }, { key: "mañana", folded: "manana", … }]
 */
export function answerKeys(accepted: readonly string[], rules: LangRules): AnswerKey[] {
  return accepted
    .flatMap((a) => forms(a, rules))
    .map((key) => {
      const folded = foldAccents(key);
      return { key, respelled: respell(key, rules.spellings), folded, typoAllowed: letterCount(folded) >= TYPO_MIN_LENGTH };
    });
}

/**
 * Judges a typed answer against every accepted answer of a word (the rules at the top).
 * @param input   what the learner typed
 * @param accepted every accepted answer, e.g. `["el coche", "el carro", "el auto"]`
 * @param rules   the rules of the language the answers are in (its deck, or English's)
 * @example judgeTyped("manana", ["la mañana"], spanish) // { verdict: "almost", reason: "accent" }
 */
export function judgeTyped(input: string, accepted: readonly string[], rules: LangRules): Judgement {
  return judgeKeys(input, answerKeys(accepted, rules), rules);
}

/**
 * {@link judgeTyped} against accepted answers prepared by {@link answerKeys}.
 * @example judgeKeys("manana", answerKeys(["la mañana"], spanish), spanish) // { verdict: "almost", reason: "accent" }
 */
export function judgeKeys(input: string, keys: readonly AnswerKey[], rules: LangRules): Judgement {
  const given = forms(input, rules);
  if (given.length === 0) return { verdict: "wrong" };
  if (given.some((g) => keys.some((k) => g === k.key || g === k.respelled))) return { verdict: "correct" };
  const folded = given.map(foldAccents);
  if (folded.some((g) => keys.some((k) => g === k.folded))) return { verdict: "almost", reason: "accent" };
  const typo = folded.some((g) => keys.some((k) => k.typoAllowed && withinOneEdit(g, k.folded)));
  return typo ? { verdict: "almost", reason: "typo" } : { verdict: "wrong" };
}

/**
 * The forms of a text that are compared: with and without its optional article. Both are
 * needed because a word may start like an article once accents are gone ("às vezes" typed
 * as "as vezes").
 */
function forms(text: string, rules: LangRules): string[] {
  const full = normalize(text);
  if (full === "") return [];
  const bare = stripArticle(full, rules);
  return bare === full ? [full] : [full, bare];
}
