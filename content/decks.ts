/**
 * Word decks and how answers in their languages are judged: loading and validation. A
 * language is one JSON file, content/decks/<lang>.json, shaped as {@link deckSchema}: its
 * judging rules (`articles`, `spellings`) and its lessons. English, every deck's source
 * language, has its rules in content/english.json ({@link languageSchema}). The languages on
 * offer are the decks found: no list of them is kept in code. Decks are validated at start-up
 * (a bad deck stops the server with every problem listed) and in the test suite.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { answerKey, normalize, type LangRules } from "../rooms/word-duel/judge.rules";
import { sharedMeaning } from "../rooms/word-duel/duel.rules";
import type { Direction } from "../rooms/word-duel/messages";

/** The shipped decks, one file per language. */
export const DECKS_DIR = join(__dirname, "decks");
/** English's judging rules. */
export const ENGLISH_FILE = join(__dirname, "english.json");

/**
 * A deck's language code: two lower-case letters, the deck's file name. Which codes exist is
 * what {@link loadDecks} finds in the folder (and {@link deckLangs} lists).
 */
export type TargetLang = string;

export const LEVELS = ["A1", "A2"] as const;
export type Level = (typeof LEVELS)[number];

/** Minimums every deck must meet. */
export const DECK_MINIMUMS: { readonly words: number; readonly lessons: number; readonly wordsPerLesson: number; readonly choices: number } = { words: 900, lessons: 30, wordsPerLesson: 12, choices: 4 };

/** Text as the judge compares it: what normalising leaves unchanged (lower case, NFC, no edge punctuation). */
const judgedText = (what: string, max: number) =>
  z.string().min(1).max(max).refine((t) => normalize(t) === t && !/\s/.test(t), `${what} must be lower case, one word, as typed after normalising`);

/** How answers in one language are judged: English's file, and the head of every deck. */
const languageShape = z
  .object({
    lang: z.string().regex(/^[a-z]{2}$/, "must be a two-letter code such as es"),
    name: z.string().min(1),
    /** Leading words a learner may leave out, tried in order; elided forms end with an apostrophe ("l'"). */
    articles: z
      .array(judgedText("an article", 12))
      .max(30)
      .refine((words) => new Set(words).size === words.length, "lists a word twice"),
    /** Articles that agree in gender and number, e.g. `[["el", "un"], ["la", "una"]]`: an answer's article may be swapped for one of its group. */
    agreement: z.array(z.array(judgedText("an article", 12)).min(1).max(12)).max(12).optional(),
    /** Nouns whose meaning changes with their article, written with it ("la livre", the pound): typed for the other gender, wrong. */
    articleSenses: z.array(z.string().min(3).max(40).refine((t) => normalize(t) === t, "must be lower case, as typed after normalising")).max(200).optional(),
    /** Subject pronouns that may lead a verb phrase, by the English pronoun they agree with: `{ "i": ["yo"] }`. */
    pronouns: z.record(z.enum(["i", "you", "he", "she", "it", "we", "they"]), z.array(judgedText("a pronoun", 12)).min(1).max(8)).optional(),
    /** Contractions and how they are written out (`"i'm": "i am"`): either is right. */
    contractions: z
      .record(judgedText("a contraction", 12), z.string().min(1).max(30).refine((t) => normalize(t) === t, "must be lower case, as typed after normalising"))
      .optional(),
    /** Substitute spellings that are also correct: letter → what may be typed for it ("ß": "ss"). */
    spellings: z
      .record(judgedText("a spelled letter", 4), judgedText("a substitute", 8))
      .refine((map) => Object.entries(map).every(([letter, substitute]) => letter !== substitute), "spells a letter as itself"),
  })
  .strict();

/** What the shape alone cannot say: agreement groups and article senses name the language's articles. */
function checkLanguage(language: z.infer<typeof languageShape>, ctx: z.RefinementCtx): void {
  for (const [i, group] of (language.agreement ?? []).entries()) {
    for (const article of group) if (!language.articles.includes(article)) ctx.addIssue({ code: "custom", path: ["agreement", i], message: `"${article}" is not one of the articles` });
  }
  for (const [i, sense] of (language.articleSenses ?? []).entries()) {
    if (!language.articles.some((a) => sense.startsWith(a.endsWith("'") ? a : `${a} `))) ctx.addIssue({ code: "custom", path: ["articleSenses", i], message: `"${sense}" does not start with an article` });
  }
}

export const languageSchema = languageShape.superRefine(checkLanguage);

const answerText = z
  .string()
  .min(1)
  .max(60)
  .refine((s) => s === s.trim() && s.trim() !== "", "must be non-empty with no spaces at the ends")
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s), "must hold no control characters or line breaks");

const wordSchema = z
  .object({
    en: z.array(answerText).min(1).max(12),
    target: z.array(answerText).min(1).max(12),
    /**
     * Sense groups: words that share no form but can mean the same ("scusi" and "mi dispiace"
     * can both say sorry) list a group in common, and are never each other's wrong options.
     */
    senses: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a lower-case tag such as apology"))
      .min(1)
      .max(4)
      .optional(),
  })
  .strict();

const lessonSchema = z
  .object({
    id: z.string().regex(/^[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*$/, "must look like es-food"),
    title: z.string().min(1).max(60),
    level: z.enum(LEVELS),
    words: z.array(wordSchema).min(DECK_MINIMUMS.wordsPerLesson),
  })
  .strict();

export const deckSchema = languageShape
  .extend({
    lang: languageShape.shape.lang.refine((lang) => lang !== "en", "English is the source of every deck (content/english.json), not a deck"),
    nativeName: z.string().min(1),
    /** Letters learners of the language need and keyboards often lack: the game's typing buttons. */
    keyboard: z
      .array(z.string().refine((ch) => [...ch].length === 1 && ch.trim() === ch, "must be one character"))
      .max(30)
      .refine((letters) => new Set(letters).size === letters.length, "lists a letter twice"),
    lessons: z.array(lessonSchema).min(1),
  })
  .strict()
  .superRefine(checkLanguage);

export type Word = z.infer<typeof wordSchema>;
export type Lesson = z.infer<typeof lessonSchema>;
export type Deck = z.infer<typeof deckSchema>;
/** A language's judging rules as its file declares them (a Deck is one too). */
export type Language = z.infer<typeof languageSchema>;

/** A word with where it comes from, as the rooms use it. */
export interface DeckWord extends Word {
  lessonId: string;
  level: Level;
}

type Side = "en" | "target";

/**
 * A display text as a learner reads it: normalised with its article and its hint kept
 * ("orange (fruit)" ≠ "orange (colour)", "el ojo" ≠ "¡ojo!", "shower" ≠ "to shower").
 */
function displayKey(text: string): string {
  const hint = /\(([^)]*)\)/.exec(text)?.[1]?.trim().toLowerCase() ?? "";
  return `${normalize(text)}|${hint}`;
}

/** A deck with English: the rules each side of its words is judged by. */
interface Sides {
  deck: Deck;
  english: LangRules;
}

function sideRules({ deck, english }: Sides, side: Side): LangRules {
  return side === "en" ? english : deck;
}

/** Problems inside single words: empty or repeated answers. */
function wordProblems(sides: Sides, lesson: Lesson, word: Word, side: Side): string[] {
  // With its article: "il dentista" and "la dentista" are two right answers, not one twice.
  const keys = word[side].map((a) => normalize(a));
  const where = `${lesson.id} "${word.en[0]}"`;
  const problems: string[] = [];
  if (word[side].some((a) => answerKey(a, sideRules(sides, side)) === "")) problems.push(`${where}: an empty ${side} answer after normalising`);
  if (new Set(keys).size !== keys.length) problems.push(`${where}: the same ${side} answer twice`);
  return problems;
}

/**
 * Ambiguity across the deck, every pair of words on each side: when word A's prompt (its
 * first form, hint kept) is also a form of word B, a learner shown it may mean B, so A must
 * accept B's first form on the other side too (or a hint must tell them apart). "der Mann"
 * can say husband: the word asking it must take "husband".
 */
function ambiguityProblems(sides: Sides, words: DeckWord[], side: Side): string[] {
  const other: Side = side === "en" ? "target" : "en";
  const otherRules = sideRules(sides, other);
  const owners = new Map<string, number[]>();
  words.forEach((w, i) => {
    for (const key of new Set(w[side].map((a) => displayKey(a)))) {
      const list = owners.get(key);
      if (list) list.push(i);
      else owners.set(key, [i]);
    }
  });
  const problems: string[] = [];
  words.forEach((a, i) => {
    const accepted = new Set(a[other].map((f) => answerKey(f, otherRules)));
    for (const j of owners.get(displayKey(a[side][0])) ?? []) {
      const b = words[j];
      if (j === i || accepted.has(answerKey(b[other][0], otherRules))) continue;
      problems.push(`${a.lessonId} "${a[side][0]}": ${side} prompt is also a form of ${b.lessonId} "${b[side][0]}", so it must accept "${b[other][0]}" too, or a hint must tell them apart`);
    }
  });
  return problems;
}

/** A pair of words a learner could take one for the other: never offered as each other's wrong choice. */
export interface SharedPair {
  a: DeckWord;
  b: DeckWord;
  /** What they share ({@link sharedMeaning}). */
  why: string;
}

/**
 * Every pair of words that could be offered in one choice question (same lesson or same
 * level) and share a meaning: the picker keeps them apart (rooms/word-duel/duel.rules.ts).
 * @example sharedPairs(german, english) // [{ a: "der Mann", b: "der Ehemann", why: 'both "der mann"' }, …]
 */
export function sharedPairs(deck: Deck, english: LangRules = loadEnglish()): SharedPair[] {
  const langs = { en: english, target: deck };
  const words = deckWords(deck);
  const pairs: SharedPair[] = [];
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) {
      if (words[i].level !== words[j].level) continue;
      const why = sharedMeaning(words[i], words[j], langs);
      if (why) pairs.push({ a: words[i], b: words[j], why });
    }
  }
  return pairs;
}

/** Each word needs three wrong options at its level that share no meaning with it, or its choice questions are short. */
function optionProblems(sides: Sides, words: DeckWord[], minimums: typeof DECK_MINIMUMS): string[] {
  const langs = { en: sides.english, target: sides.deck };
  const problems: string[] = [];
  for (const w of words) {
    let options = 0;
    for (const o of words) {
      if (o !== w && o.level === w.level && !sharedMeaning(w, o, langs) && ++options >= minimums.choices - 1) break;
    }
    if (options < minimums.choices - 1) problems.push(`${w.lessonId} "${w.en[0]}": only ${options} wrong options at level ${w.level} share no meaning with it`);
  }
  return problems;
}

/**
 * What a designer should look at but need not fix (`npm run deck -- check`): a noun written
 * with its article in one form and without in another (a missing article is accepted anyway,
 * so the bare form is redundant, or the article was forgotten).
 */
export function deckWarnings(deck: Deck): string[] {
  const warnings: string[] = [];
  for (const lesson of deck.lessons) {
    for (const w of lesson.words) {
      const forms = w.target.map((form) => {
        const bare = answerKey(form, deck);
        // Nouns: an article and one word ("la manzana"), not phrases that start like one ("das macht nichts").
        return { form, bare, noun: normalize(form) !== bare && !bare.includes(" ") };
      });
      const noun = forms.find((f) => f.noun);
      if (!noun) continue;
      for (const f of forms.filter((x) => !x.noun && !x.form.includes(" "))) {
        const twin = forms.find((x) => x.noun && x.bare === f.bare);
        warnings.push(twin ? `${lesson.id} "${w.en[0]}": "${f.form}" repeats "${twin.form}" without its article (a missing article is accepted anyway)` : `${lesson.id} "${w.en[0]}": "${f.form}" has no article where "${noun.form}" has one`);
      }
    }
  }
  return warnings;
}

/** A pair of words that share a meaning, in a line: `es-food "apple" / es-food "pear" (both "x")`. */
export function pairLine(pair: SharedPair): string {
  return `${pair.a.lessonId} "${pair.a.en[0]}" / ${pair.b.lessonId} "${pair.b.en[0]}" (${pair.why})`;
}

/** The same word twice: the same prompts both ways (where its hints are too). */
function repeatedWords(words: readonly DeckWord[]): string[] {
  const seen = new Map<string, DeckWord>();
  const problems: string[] = [];
  for (const w of words) {
    const key = `${displayKey(w.en[0])}\n${displayKey(w.target[0])}`;
    const first = seen.get(key);
    if (first) problems.push(`${w.lessonId} "${w.en[0]}": the same word as ${first.lessonId} "${first.en[0]}" (same prompts both ways)`);
    else seen.set(key, w);
  }
  return problems;
}

/** Every level must offer enough distinct displays for four-option choices. */
function choiceProblems(sides: Sides, words: DeckWord[]): string[] {
  const problems: string[] = [];
  for (const level of LEVELS) {
    const atLevel = words.filter((w) => w.level === level);
    if (atLevel.length === 0) continue;
    for (const side of ["en", "target"] as const) {
      const displays = new Set(atLevel.map((w) => displayKey(w[side][0])));
      if (displays.size < DECK_MINIMUMS.choices) {
        problems.push(`level ${level}: only ${displays.size} distinct ${side} choices`);
      }
    }
  }
  return problems;
}

function issues(error: z.ZodError, whole: string): string[] {
  return error.issues.map((i) => `${i.path.join(".") || whole}: ${i.message}`);
}

/**
 * Validates a parsed deck and returns every problem found (empty when the deck is good).
 * English answers are judged by `english` (content/english.json unless given).
 * @example validateDeck(JSON.parse(text)) // []
 */
export function validateDeck(raw: unknown, minimums: typeof DECK_MINIMUMS = DECK_MINIMUMS, english: LangRules = loadEnglish()): string[] {
  const parsed = deckSchema.safeParse(raw);
  if (!parsed.success) return issues(parsed.error, "deck");
  const deck = parsed.data;
  const sides: Sides = { deck, english };
  const problems: string[] = [];
  const ids = deck.lessons.map((l) => l.id);
  if (new Set(ids).size !== ids.length) problems.push("two lessons share an id");
  for (const l of deck.lessons) {
    if (!l.id.startsWith(`${deck.lang}-`)) problems.push(`${l.id}: lesson ids start with "${deck.lang}-"`);
    for (const w of l.words) problems.push(...wordProblems(sides, l, w, "en"), ...wordProblems(sides, l, w, "target"));
  }
  const words = deckWords(deck);
  problems.push(...repeatedWords(words));
  if (deck.lessons.length < minimums.lessons) problems.push(`${deck.lessons.length} lessons, at least ${minimums.lessons} needed`);
  if (words.length < minimums.words) problems.push(`${words.length} words, at least ${minimums.words} needed`);
  problems.push(...ambiguityProblems(sides, words, "en"), ...ambiguityProblems(sides, words, "target"));
  problems.push(...choiceProblems(sides, words));
  if (problems.length === 0) problems.push(...optionProblems(sides, words, minimums));
  return problems;
}

/** All words of a deck, each tagged with its lesson and level. */
export function deckWords(deck: Deck): DeckWord[] {
  return deck.lessons.flatMap((l) => l.words.map((w) => ({ ...w, lessonId: l.id, level: l.level })));
}

/**
 * Every accepted answer to a prompt of a deck, in the direction asked: prompts are a word's
 * first English form ("en-target") or first target form ("target-en"); the first answer is
 * the one a duel reveals and offers as the right choice. Undefined when no word has it.
 * @example answersFor(spanish, "apple") // ["la manzana"]
 */
export function answersFor(deck: Deck, prompt: string, direction: Direction = "en-target"): string[] | undefined {
  return promptIndex(deck)[direction].get(prompt);
}

/** Each deck's accepted answers by prompt, both directions, made once (a deck is not changed once loaded). */
const promptIndexes = new WeakMap<Deck, Record<Direction, Map<string, string[]>>>();

function promptIndex(deck: Deck): Record<Direction, Map<string, string[]>> {
  let index = promptIndexes.get(deck);
  if (!index) {
    index = { "en-target": new Map(), "target-en": new Map() };
    // The first word with a prompt answers for it, as a search through the deck would find.
    for (const w of deckWords(deck)) {
      if (!index["en-target"].has(w.en[0])) index["en-target"].set(w.en[0], w.target);
      if (!index["target-en"].has(w.target[0])) index["target-en"].set(w.target[0], w.en);
    }
    promptIndexes.set(deck, index);
  }
  return index;
}

/**
 * English's judging rules, validated; throws one error listing every problem.
 * @example judgeTyped("eat", ["to eat"], loadEnglish()) // { verdict: "correct" }
 */
export function loadEnglish(file = ENGLISH_FILE): Language {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`invalid English rules: ${file} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = languageSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid English rules in ${file}:\n  ${issues(parsed.error, "file").join("\n  ")}`);
  if (parsed.data.lang !== "en") throw new Error(`invalid English rules in ${file}: lang must be "en"`);
  return parsed.data;
}

/**
 * The languages of a deck folder, from its file names alone (sorted; nothing is validated):
 * for option lists that should not load every deck.
 * @example deckLangs() // ["de", "es", "fr", "it", "pt"]
 */
export function deckLangs(dir = DECKS_DIR): TargetLang[] {
  return readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)).sort();
}

/**
 * One deck file read and checked as the server reads it: valid JSON, a valid deck, named for
 * its language (`<lang>.json`). Every problem is prefixed with the file's name.
 * @example readDeckFile("content/decks/es.json", DECK_MINIMUMS, loadEnglish()).deck?.lang // "es"
 */
export function readDeckFile(path: string, minimums: typeof DECK_MINIMUMS, english: LangRules): { deck?: Deck; problems: string[] } {
  const file = basename(path);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    return { problems: [`${file}: not valid JSON (${(err as Error).message})`] };
  }
  const found = validateDeck(raw, minimums, english);
  if (found.length > 0) return { problems: found.map((p) => `${file}: ${p}`) };
  const deck = raw as Deck;
  if (file !== `${deck.lang}.json`) return { problems: [`${file}: a ${deck.lang} deck must be named ${deck.lang}.json`] };
  return { deck, problems: [] };
}

/**
 * The decks of a folder, validated (English's rules from content/english.json); throws one
 * error listing every problem of every deck.
 * @example const spanish = loadDecks().get("es");
 */
export function loadDecks(dir = DECKS_DIR, minimums: typeof DECK_MINIMUMS = DECK_MINIMUMS, english: LangRules = loadEnglish()): Map<TargetLang, Deck> {
  const decks = new Map<TargetLang, Deck>();
  const problems: string[] = [];
  for (const lang of deckLangs(dir)) {
    const read = readDeckFile(join(dir, `${lang}.json`), minimums, english);
    if (read.deck) decks.set(read.deck.lang, read.deck);
    else problems.push(...read.problems);
  }
  if (problems.length > 0) throw new Error(`invalid word decks:\n  ${problems.join("\n  ")}`);
  return decks;
}
