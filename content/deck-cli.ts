/**
 * `npm run deck -- <command>`: the decks for game designers.
 *   stats [lang…]   per lesson: words and level; per deck: lessons, words, words per level
 *   check [lang…]   every problem (exit 1), then what to look at: missing articles, and the
 *                   pairs of words that share a meaning (never each other's wrong choice)
 *   add <lang> <lesson> --en <form>… --target <form>… [--sense <tag>…]
 *                   adds a word to a lesson, only if the deck stays valid with it
 * Problems name the file, the lesson and the word. English's rules: content/english.json.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DECKS_DIR, DECK_MINIMUMS, deckLangs, deckWarnings, deckWords, loadEnglish, pairLine, readDeckFile, sharedPairs, validateDeck, type Deck, type Word } from "./decks";
import { withWord, wordLine } from "./deck-file";

const out = (line = "") => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** The decks named (all when none), each read as the server reads it; false when one is not good. */
function decksOf(langs: string[], dir = DECKS_DIR): { decks: Deck[]; good: boolean } {
  const known = deckLangs(dir);
  const english = loadEnglish();
  let good = true;
  const decks: Deck[] = [];
  for (const lang of langs.length > 0 ? langs : known) {
    if (!known.includes(lang)) {
      err(`${lang}.json: no such deck in ${dir} (decks: ${known.join(", ")})`);
      good = false;
      continue;
    }
    const read = readDeckFile(join(dir, `${lang}.json`), DECK_MINIMUMS, english);
    if (read.deck) decks.push(read.deck);
    else {
      good = false;
      for (const p of read.problems) err(p);
    }
  }
  return { decks, good };
}

function stats(langs: string[]): boolean {
  const { decks, good } = decksOf(langs);
  for (const deck of decks) {
    const words = deckWords(deck);
    const levels = new Map<string, number>();
    for (const w of words) levels.set(w.level, (levels.get(w.level) ?? 0) + 1);
    const byLevel = [...levels].map(([level, n]) => `${level} ${n}`);
    out(`${deck.lang} (${deck.name}): ${deck.lessons.length} lessons, ${words.length} words (${byLevel.join(", ")})`);
    for (const l of deck.lessons) out(`  ${l.id.padEnd(28)} ${l.level}  ${String(l.words.length).padStart(3)} words  ${l.title}`);
  }
  return good;
}

function check(langs: string[]): boolean {
  const { decks, good } = decksOf(langs);
  const english = loadEnglish();
  for (const deck of decks) {
    const warnings = deckWarnings(deck);
    const pairs = sharedPairs(deck, english);
    out(`ok ${deck.lang}.json: ${deck.lessons.length} lessons, ${deckWords(deck).length} words; ${warnings.length} to look at, ${pairs.length} pairs that share a meaning`);
    for (const w of warnings) out(`  look at ${deck.lang}.json ${w}`);
    for (const p of pairs) out(`  kept apart ${deck.lang}.json ${pairLine(p)}`);
  }
  return good;
}

/** The values of every `--name value` in args. */
function flag(args: string[], name: string): string[] {
  return args.flatMap((a, i) => (a === `--${name}` && i + 1 < args.length ? [args[i + 1]] : []));
}

function add(args: string[], dir = DECKS_DIR): boolean {
  const [lang, lessonId] = args;
  const word: Word = { en: flag(args, "en"), target: flag(args, "target") };
  const senses = flag(args, "sense");
  if (senses.length > 0) word.senses = senses;
  if (!lang || !lessonId || lang.startsWith("--") || lessonId.startsWith("--") || word.en.length === 0 || word.target.length === 0) {
    err('usage: npm run deck -- add <lang> <lesson-id> --en "apple" --target "la manzana" [--en … --target … --sense tag]');
    return false;
  }
  const file = join(dir, `${lang}.json`);
  if (!deckLangs(dir).includes(lang)) {
    err(`${lang}.json: no such deck in ${dir}`);
    return false;
  }
  const deck = JSON.parse(readFileSync(file, "utf8")) as Deck;
  const next = withWord(deck, lessonId, word);
  if (next === undefined) {
    err(`${lang}.json: no lesson "${lessonId}" (lessons: ${deck.lessons.map((l) => l.id).join(", ")})`);
    return false;
  }
  const problems = validateDeck(JSON.parse(next));
  if (problems.length > 0) {
    err(`${lang}.json: not added, the deck would have ${problems.length} problem(s) with ${lessonId} "${word.en[0]}":`);
    for (const p of problems) err(`  ${lang}.json: ${p}`);
    return false;
  }
  writeFileSync(file, next);
  out(`added to ${lang}.json ${lessonId}: ${wordLine(word)}`);
  return true;
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => boolean> = { stats, check, add };
if (!command || !commands[command]) {
  err("usage: npm run deck -- stats [lang…] | check [lang…] | add <lang> <lesson-id> --en <form>… --target <form>… [--sense <tag>…]");
  process.exit(2);
}
let ok = false;
try {
  ok = commands[command](rest);
} catch (e) {
  err((e as Error).message);
}
process.exit(ok ? 0 : 1);
