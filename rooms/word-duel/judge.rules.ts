/**
 * Answer judging for word duels: pure text functions, no I/O, no Colyseus. What differs from
 * one language to another comes in as {@link LangRules}: a deck's `articles`, `agreement`,
 * `articleSenses`, `pronouns` and `spellings` (content/decks/<lang>.json; English's, with its
 * `contractions`, in content/english.json), and the language's real words near the decks'
 * (content/lexicon.ts). No word list lives here.
 *
 * How a typed answer is judged against the accepted answers of a word, as a teacher would:
 * 1. Both sides are normalised: Unicode NFC, lower case, curly quotes made straight,
 *    hints in parentheses dropped ("orange (fruit)" → "orange"), punctuation at the
 *    edges dropped ("¿qué?" → "qué"), runs of spaces folded to one.
 * 2. Equal → `correct`. So are the same words written another accepted way: a contraction
 *    written out or made ("I am sorry" = "I'm sorry", "do not" = "don't"), an apostrophe left
 *    out or typed as a space ("leau", "l eau" = "l'eau"), the language's substitute spellings
 *    (German `ae/oe/ue/ss` for `ä/ö/ü/ß`), and a subject pronoun before a verb where the
 *    language may leave it out and it agrees with the English ("yo no entiendo" for "I don't
 *    understand", not "tú no entiendo").
 * 3. The article. A missing one is fine ("manzana" = "la manzana"); one that agrees with the
 *    answer's is fine too ("una manzana"); English's "the/a/an/to" may always come or go.
 *    One that disagrees ("el manzana", "der Katze") → `almost` (reason `article`), unless the
 *    article makes another word ("la livre" is the pound, not the book: the deck's
 *    `articleSenses`) → `wrong`.
 * 4. Equal once accents are folded away ("manana" for "mañana") → `almost` (reason `accent`).
 * 5. One typo (insert, delete, substitute or swap two neighbours) on an answer of at least
 *    {@link TYPO_MIN_LENGTH} letters → `almost` (reason `typo`).
 *    In 4 and 5, a slip that makes another real word of the language ("pero" for "perro",
 *    "ano" for "año", "horse" for "house") is not a slip: it is `wrong`.
 * 6. Anything else → `wrong`.
 */
import type { AlmostReason } from "./messages";

/**
 * How answers in one language are compared: what a deck (or content/english.json) declares,
 * and the language's real words (content/lexicon.ts).
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
  /**
   * Articles that agree with one another (same gender and number: `["el", "un"]`); an article
   * may be in more than one group (German `ein`). Without groups, any two articles agree.
   */
  agreement?: readonly (readonly string[])[];
  /** Nouns whose meaning changes with their article, written with it ("la livre", "die See"). */
  articleSenses?: readonly string[];
  /**
   * Subject pronouns that may lead a verb phrase (a language that may leave them out), by the
   * English subject pronoun they agree with: `{ "i": ["yo"], "we": ["nosotros", "nosotras"] }`.
   */
  pronouns?: Readonly<Record<string, readonly string[]>>;
  /** Contractions and how they are written out (`"i'm": "i am"`): either way is right. */
  contractions?: Readonly<Record<string, string>>;
  /** Substitute spellings that are also correct: each key may be typed as its value ("ß" → "ss"). */
  spellings: Readonly<Record<string, string>>;
  /** Correctly spelled words of the language near the decks' words (lower case), and the decks' own. */
  words?: ReadonlySet<string>;
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
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "")
    .replace(/[’‘`´ʼ]/g, "'")
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

/** The leading article of a normalised text ("" when none), and the rest. */
function splitArticle(normalized: string, rules: LangRules): { article: string; rest: string } {
  const rest = stripArticle(normalized, rules);
  return { article: rest === normalized ? "" : normalized.slice(0, normalized.length - rest.length).trim(), rest };
}

function letterCount(text: string): number {
  return text.replace(/[\s'-]/g, "").length;
}

/** Contractions written out, word by word ("i'm sorry" → "i am sorry"). */
function expand(text: string, contractions: LangRules["contractions"]): string {
  if (!contractions) return text;
  return text
    .split(" ")
    .map((word) => contractions[word] ?? word)
    .join(" ");
}

/** Other ways to write a text that are just as right: apostrophes left out or typed as spaces, contractions written out, substitute spellings. */
function spellingsOf(text: string, rules: LangRules): string[] {
  const out = new Set<string>([text, expand(text, rules.contractions)]);
  for (const t of [...out]) {
    if (t.includes("'")) {
      out.add(t.replace(/'/g, ""));
      out.add(t.replace(/'\s*/g, " ").replace(/\s+/g, " "));
    }
  }
  if (Object.keys(rules.spellings).length > 0) for (const t of [...out]) out.add(respell(t, rules.spellings));
  return [...out];
}

/** Writings of an answer that are `correct`, and the same without accents (what an accent or a typo is measured against). */
interface Writings {
  right: string[];
  folded: string[];
}

function writingsOf(texts: readonly string[], rules: LangRules): Writings {
  const right = [...new Set(texts.flatMap((t) => spellingsOf(t, rules)))];
  return { right, folded: [...new Set(right.map(foldAccents))] };
}

/** One accepted answer with what the judge compares it by, made once. */
export interface AnswerKey {
  /** Normalised. */
  key: string;
  /** Its leading article ("" when none) and the rest. */
  article: string;
  bare: string;
  /** The whole answer's right writings (2 at the top of the file), and without accents. */
  whole: Writings;
  /** The answer without its article, written every right way: a missing article is fine. */
  rest: Writings;
  /** Long enough for one typo to count as "almost". */
  typoAllowed: boolean;
}

/** The English subject pronoun a text starts with ("i" for "I'm tired"), or "". */
function leadingPronoun(english: string): string {
  return /^([a-z]+)/.exec(normalize(english))?.[1] ?? "";
}

/**
 * The accepted answers of a word, ready to judge against: deck text does not change, so a
 * question prepares them once (buildQuestion) instead of on every answer. `english`: the
 * word's English forms when the answers are in the deck's language, so a subject pronoun
 * that agrees may lead them.
 * @example answerKeys(["la mañana"], spanish) // [{ key: "la mañana", article: "la", bare: "mañana", … }]
 */
export function answerKeys(accepted: readonly string[], rules: LangRules, english: readonly string[] = []): AnswerKey[] {
  const allPronouns = new Set(Object.values(rules.pronouns ?? {}).flat());
  const agreeing = [...new Set(english.flatMap((e) => rules.pronouns?.[leadingPronoun(e)] ?? []))];
  return accepted.flatMap((answer) => {
    const key = normalize(answer);
    if (key === "") return [];
    const { article, rest: bare } = splitArticle(key, rules);
    const whole = [key];
    if (article === "" && !allPronouns.has(key.split(" ")[0])) whole.push(...agreeing.map((p) => `${p} ${key}`));
    return [{ key, article, bare, whole: writingsOf(whole, rules), rest: writingsOf([bare], rules), typoAllowed: letterCount(foldAccents(bare)) >= TYPO_MIN_LENGTH }];
  });
}

/**
 * Judges a typed answer against every accepted answer of a word (the rules at the top).
 * @param input   what the learner typed
 * @param accepted every accepted answer, e.g. `["el coche", "el carro", "el auto"]`
 * @param rules   the rules of the language the answers are in (its deck, or English's)
 * @param english the word's English forms, when the answers are not English (for subject pronouns)
 * @example judgeTyped("manana", ["la mañana"], spanish) // { verdict: "almost", reason: "accent" }
 */
export function judgeTyped(input: string, accepted: readonly string[], rules: LangRules, english: readonly string[] = []): Judgement {
  return judgeKeys(input, answerKeys(accepted, rules, english), rules);
}

/** True when two articles agree in gender and number (see {@link LangRules.agreement}). */
function agree(a: string, b: string, rules: LangRules): boolean {
  if (a === b || !rules.agreement) return true;
  return rules.agreement.some((group) => group.includes(a) && group.includes(b));
}

/**
 * The single words of a normalised text, as the lexicon keeps them: split at spaces,
 * apostrophes and hyphens, punctuation at their edges dropped.
 * @example wordsOf("¿qué hora es?") // ["qué", "hora", "es"]
 */
export function wordsOf(normalized: string): string[] {
  return normalized
    .split(/[\s'\-]+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
    .filter((w) => w !== "");
}

/** True when every word of `given` that is not a word of `answer` is a real word of the language: another word, not a slip. */
function makesOtherWords(given: string, answer: string, rules: LangRules): boolean {
  if (!rules.words) return false;
  const mine = new Set(wordsOf(answer));
  const others = wordsOf(given).filter((w) => !mine.has(w));
  return others.length > 0 && others.every((w) => rules.words!.has(w));
}

/** What was typed, written out every way it may be read, each with its accents folded away (made once per answer). */
interface Typed {
  text: string;
  folded: string;
}

function typedForms(text: string, rules: LangRules): Typed[] {
  return [...new Set([text, expand(text, rules.contractions)])].map((t) => ({ text: t, folded: foldAccents(t) }));
}

/** How close typed writings come to an answer's: right, an accent or one typo away (and not another real word), or not. */
function closeness(typed: readonly Typed[], to: Writings, key: AnswerKey, rules: LangRules): Judgement {
  if (typed.some((t) => to.right.includes(t.text))) return { verdict: "correct" };
  const slip = (near: (folded: string, f: string) => boolean) => typed.some((t) => to.folded.some((f) => near(t.folded, f)) && !makesOtherWords(t.text, key.key, rules));
  if (slip((folded, f) => folded === f)) return { verdict: "almost", reason: "accent" };
  if (key.typoAllowed && slip((folded, f) => withinOneEdit(folded, f))) return { verdict: "almost", reason: "typo" };
  return { verdict: "wrong" };
}

/** True when the noun `rest` with `article` (or one that agrees with it) is another word: the deck's `articleSenses` ("une livre" is a pound too). */
function otherSense(article: string, rest: string, rules: LangRules): boolean {
  return (rules.articleSenses ?? []).some((sense) => {
    const split = splitArticle(sense, rules);
    return split.rest === rest && agree(article, split.article, rules);
  });
}

/**
 * One accepted answer against what was typed (`article` and `rest` split from it). A missing
 * article is fine; an added one only where articles carry no gender (English); one that
 * disagrees is almost, or wrong when it makes another word or comes with a slip as well.
 */
function judgeOne(typed: readonly Typed[], article: string, rest: readonly Typed[], key: AnswerKey, rules: LangRules): Judgement {
  const whole = closeness(typed, key.whole, key, rules);
  if (whole.verdict === "correct") return whole;
  if (article === "") return better(closeness(typed, key.rest, key, rules), whole);
  if (key.article === "") {
    // An article the answer has none of: fine in English ("the apple", "to eat"), not where articles have a gender ("la comer").
    return rules.agreement ? whole : better(closeness(rest, key.whole, key, rules), whole);
  }
  const bare = closeness(rest, key.rest, key, rules);
  if (agree(article, key.article, rules)) return better(bare, whole);
  // The article disagrees: almost when the rest is right, wrong with a slip as well or when it makes another word.
  if (bare.verdict !== "correct" || otherSense(article, key.bare, rules)) return whole;
  return { verdict: "almost", reason: "article" };
}

/** Which of two judgements of one answer stands: right, then an accent slip (the more precise "almost"), then another almost, then wrong. */
const rank = (j: Judgement) => (j.verdict === "correct" ? 3 : j.verdict === "almost" ? (j.reason === "accent" ? 2 : 1) : 0);

/** The judgement of the two that stands ({@link rank}); the second on a tie. */
const better = (a: Judgement, b: Judgement) => (rank(a) > rank(b) ? a : b);

/**
 * {@link judgeTyped} against accepted answers prepared by {@link answerKeys}.
 * @example judgeKeys("manana", answerKeys(["la mañana"], spanish), spanish) // { verdict: "almost", reason: "accent" }
 */
export function judgeKeys(input: string, keys: readonly AnswerKey[], rules: LangRules): Judgement {
  const full = normalize(input);
  if (full === "") return { verdict: "wrong" };
  const typed = typedForms(full, rules);
  const { article, rest } = splitArticle(full, rules);
  const typedRest = article === "" ? typed : typedForms(rest, rules);
  let best: Judgement = { verdict: "wrong" };
  for (const key of keys) {
    best = better(judgeOne(typed, article, typedRest, key, rules), best);
    if (best.verdict === "correct") return best;
  }
  return best;
}
