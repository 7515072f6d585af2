/**
 * Answer judging for word duels: pure text functions, no I/O, no Colyseus.
 *
 * How a typed answer is judged against the accepted answers of a word:
 * 1. Both sides are normalised: Unicode NFC, lower case, curly quotes made straight,
 *    hints in parentheses dropped ("orange (fruit)" → "orange"), punctuation at the
 *    edges dropped ("¿qué?" → "qué"), runs of spaces folded to one.
 * 2. One leading article of the answer's language is optional ("la manzana" = "manzana";
 *    "l'eau" = "eau"; English "the/a/an/to": "to eat" = "eat").
 * 3. Equal after that → `correct`. German `ae/oe/ue/ss` for `ä/ö/ü/ß` is also `correct`
 *    (it is standard German spelling where umlauts cannot be typed).
 * 4. Equal once accents are folded away ("manana" for "mañana") → `almost` (reason `accent`).
 * 5. One typo (insert, delete, substitute or swap two neighbours) on an answer of at least
 *    {@link TYPO_MIN_LENGTH} letters → `almost` (reason `typo`).
 * 6. Anything else → `wrong`.
 */

/** Languages with an article list; English is the source language of every deck. */
export type LangCode = "en" | "es" | "fr" | "de" | "it" | "pt";

/** How a typed answer compares with the accepted answers. */
export type Judgement =
  | { verdict: "correct" }
  | { verdict: "almost"; reason: "accent" | "typo" }
  | { verdict: "wrong" };

/** Answers shorter than this (letters, after folding) get no typo tolerance. */
export const TYPO_MIN_LENGTH = 5;

/** Leading words a learner may leave out, by language. Elided forms end with an apostrophe. */
export const OPTIONAL_LEADING_WORDS: Readonly<Record<LangCode, readonly string[]>> = {
  en: ["the", "a", "an", "to"],
  es: ["el", "la", "los", "las", "un", "una", "unos", "unas"],
  fr: ["le", "la", "les", "un", "une", "des", "du", "l'"],
  de: ["der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer"],
  it: ["il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "l'", "un'"],
  pt: ["o", "a", "os", "as", "um", "uma", "uns", "umas"],
};

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
 * Drops one optional leading article (step 2). Never strips the whole text.
 * @example stripArticle("la manzana", "es") // "manzana"
 */
export function stripArticle(normalized: string, lang: LangCode): string {
  for (const word of OPTIONAL_LEADING_WORDS[lang]) {
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

/** German substitute spelling: "mädchen" → "maedchen". */
function germanSubstitute(text: string): string {
  return text.replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss");
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

/** The comparable form of one answer: normalised, with its optional article dropped. */
export function answerKey(text: string, lang: LangCode): string {
  return stripArticle(normalize(text), lang);
}

function letterCount(text: string): number {
  return text.replace(/[\s'-]/g, "").length;
}

/**
 * Judges a typed answer against every accepted answer of a word (the rules at the top).
 * @param input   what the learner typed
 * @param accepted every accepted answer, e.g. `["el coche", "el carro", "el auto"]`
 * @param lang    the language the answers are in
 * @example judgeTyped("manana", ["la mañana"], "es") // { verdict: "almost", reason: "accent" }
 */
export function judgeTyped(input: string, accepted: readonly string[], lang: LangCode): Judgement {
  const given = forms(input, lang);
  if (given.length === 0) return { verdict: "wrong" };
  const keys = accepted.flatMap((a) => forms(a, lang));
  const any = (match: (g: string, k: string) => boolean) => given.some((g) => keys.some((k) => match(g, k)));
  if (any((g, k) => g === k)) return { verdict: "correct" };
  if (lang === "de" && any((g, k) => germanSubstitute(k) === g)) return { verdict: "correct" };
  if (any((g, k) => foldAccents(g) === foldAccents(k))) return { verdict: "almost", reason: "accent" };
  const typo = any((g, k) => letterCount(foldAccents(k)) >= TYPO_MIN_LENGTH && withinOneEdit(foldAccents(g), foldAccents(k)));
  return typo ? { verdict: "almost", reason: "typo" } : { verdict: "wrong" };
}

/**
 * The forms of a text that are compared: with and without its optional article. Both are
 * needed because a word may start like an article once accents are gone ("às vezes" typed
 * as "as vezes").
 */
function forms(text: string, lang: LangCode): string[] {
  const full = normalize(text);
  if (full === "") return [];
  const bare = stripArticle(full, lang);
  return bare === full ? [full] : [full, bare];
}
