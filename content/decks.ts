/**
 * Word decks: loading and validation. A deck is one JSON file per target language in
 * content/decks/<lang>.json; its shape is {@link deckSchema}. Decks are validated at start-up
 * (a bad deck stops the server with every problem listed) and in the test suite.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { answerKey, type LangCode } from "../rooms/word-duel/judge.rules";

/** Target languages a deck may be written for (English is always the source). */
export const TARGET_LANGS = ["es", "fr", "de", "it", "pt"] as const;
export type TargetLang = (typeof TARGET_LANGS)[number];

export const LEVELS = ["A1", "A2"] as const;
export type Level = (typeof LEVELS)[number];

/** Minimums every deck must meet. */
export const DECK_MINIMUMS: { readonly words: number; readonly lessons: number; readonly wordsPerLesson: number; readonly choices: number } = { words: 300, lessons: 12, wordsPerLesson: 12, choices: 4 };

const answerText = z
  .string()
  .min(1)
  .max(60)
  .refine((s) => s === s.trim() && s.trim() !== "", "must be non-empty with no spaces at the ends");

const wordSchema = z
  .object({
    en: z.array(answerText).min(1).max(8),
    target: z.array(answerText).min(1).max(8),
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

export const deckSchema = z
  .object({
    lang: z.enum(TARGET_LANGS),
    name: z.string().min(1),
    nativeName: z.string().min(1),
    lessons: z.array(lessonSchema).min(1),
  })
  .strict();

export type Word = z.infer<typeof wordSchema>;
export type Lesson = z.infer<typeof lessonSchema>;
export type Deck = z.infer<typeof deckSchema>;

/** A word with where it comes from, as the rooms use it. */
export interface DeckWord extends Word {
  lessonId: string;
  level: Level;
}

type Side = "en" | "target";

/** Comparable form of a display text that keeps its hint: "orange (fruit)" ≠ "orange (colour)". */
function displayKey(text: string, lang: LangCode): string {
  const hint = /\(([^)]*)\)/.exec(text)?.[1]?.trim().toLowerCase() ?? "";
  return `${answerKey(text, lang)}|${hint}`;
}

function sideLang(deck: Deck, side: Side): LangCode {
  return side === "en" ? "en" : deck.lang;
}

/** Problems inside single words: empty or repeated answers. */
function wordProblems(deck: Deck, lesson: Lesson, word: Word, side: Side): string[] {
  const keys = word[side].map((a) => answerKey(a, sideLang(deck, side)));
  const where = `${lesson.id} "${word.en[0]}"`;
  const problems: string[] = [];
  if (keys.some((k) => k === "")) problems.push(`${where}: an empty ${side} answer after normalising`);
  if (new Set(keys).size !== keys.length) problems.push(`${where}: the same ${side} answer twice`);
  return problems;
}

/**
 * Ambiguity across the deck: a word's prompt (its first form) must not be the prompt or an
 * accepted answer of another word on the same side, or a learner shown it could not tell
 * which translation is wanted, and a choice could be right twice.
 */
function ambiguityProblems(deck: Deck, words: DeckWord[], side: Side): string[] {
  const lang = sideLang(deck, side);
  const owner = new Map<string, number>();
  words.forEach((w, i) => {
    for (const a of w[side]) {
      const key = displayKey(a, lang);
      if (!owner.has(key)) owner.set(key, i);
    }
  });
  const problems: string[] = [];
  words.forEach((w, i) => {
    const key = displayKey(w[side][0], lang);
    const first = owner.get(key);
    if (first !== undefined && first !== i) {
      problems.push(`${w.lessonId} "${w[side][0]}": ${side} prompt is also an answer of ${words[first].lessonId} "${words[first][side][0]}"`);
    }
  });
  return problems;
}

/** Every level must offer enough distinct displays for four-option choices. */
function choiceProblems(deck: Deck, words: DeckWord[]): string[] {
  const problems: string[] = [];
  for (const level of LEVELS) {
    const atLevel = words.filter((w) => w.level === level);
    if (atLevel.length === 0) continue;
    for (const side of ["en", "target"] as const) {
      const displays = new Set(atLevel.map((w) => displayKey(w[side][0], sideLang(deck, side))));
      if (displays.size < DECK_MINIMUMS.choices) {
        problems.push(`level ${level}: only ${displays.size} distinct ${side} choices`);
      }
    }
  }
  return problems;
}

/**
 * Validates a parsed deck and returns every problem found (empty when the deck is good).
 * @example validateDeck(JSON.parse(text)) // []
 */
export function validateDeck(raw: unknown, minimums: typeof DECK_MINIMUMS = DECK_MINIMUMS): string[] {
  const parsed = deckSchema.safeParse(raw);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${i.path.join(".") || "deck"}: ${i.message}`);
  }
  const deck = parsed.data;
  const problems: string[] = [];
  const ids = deck.lessons.map((l) => l.id);
  if (new Set(ids).size !== ids.length) problems.push("two lessons share an id");
  for (const l of deck.lessons) {
    if (!l.id.startsWith(`${deck.lang}-`)) problems.push(`${l.id}: lesson ids start with "${deck.lang}-"`);
    for (const w of l.words) problems.push(...wordProblems(deck, l, w, "en"), ...wordProblems(deck, l, w, "target"));
  }
  const words = deckWords(deck);
  if (deck.lessons.length < minimums.lessons) problems.push(`${deck.lessons.length} lessons, at least ${minimums.lessons} needed`);
  if (words.length < minimums.words) problems.push(`${words.length} words, at least ${minimums.words} needed`);
  problems.push(...ambiguityProblems(deck, words, "en"), ...ambiguityProblems(deck, words, "target"));
  problems.push(...choiceProblems(deck, words));
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
export function answersFor(deck: Deck, prompt: string, direction: "en-target" | "target-en" = "en-target"): string[] | undefined {
  const word = deckWords(deck).find((w) => (direction === "en-target" ? w.en[0] : w.target[0]) === prompt);
  return word && (direction === "en-target" ? word.target : word.en);
}

/** The decks of a folder, validated; throws one error listing every problem of every deck. */
export function loadDecks(dir = join(__dirname, "decks"), minimums: typeof DECK_MINIMUMS = DECK_MINIMUMS): Map<TargetLang, Deck> {
  const decks = new Map<TargetLang, Deck>();
  const problems: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    const found = validateDeck(raw, minimums);
    if (found.length > 0) {
      problems.push(...found.map((p) => `${file}: ${p}`));
      continue;
    }
    const deck = raw as Deck;
    if (file !== `${deck.lang}.json`) problems.push(`${file}: a ${deck.lang} deck must be named ${deck.lang}.json`);
    else decks.set(deck.lang, deck);
  }
  if (problems.length > 0) throw new Error(`invalid word decks:\n  ${problems.join("\n  ")}`);
  return decks;
}
