/**
 * `npm run validate-content [file…]`: checks English's rules and the decks (all of
 * content/decks/, or the files named) and prints every problem, exit 1 on any.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { deckWords, loadDecks, loadEnglish, validateDeck, type Deck, type Language } from "./decks";

function judging(rules: Language): string {
  return `${rules.articles.length} optional articles, ${Object.keys(rules.spellings).length} substitute spellings`;
}

function report(deck: Deck): string {
  return `${deck.lang}: ${deck.lessons.length} lessons, ${deckWords(deck).length} words, ${judging(deck)}`;
}

function check(): boolean {
  const english = loadEnglish();
  process.stdout.write(`ok en: ${judging(english)}\n`);
  const files = process.argv.slice(2);
  if (files.length === 0) {
    for (const deck of loadDecks(undefined, undefined, english).values()) process.stdout.write(`ok ${report(deck)}\n`);
    return true;
  }
  let good = true;
  for (const file of files) {
    const raw = JSON.parse(readFileSync(file, "utf8"));
    const problems = validateDeck(raw, undefined, english);
    if (problems.length === 0) process.stdout.write(`ok ${basename(file)} ${report(raw as Deck)}\n`);
    else {
      good = false;
      process.stderr.write(`${basename(file)}:\n  ${problems.join("\n  ")}\n`);
    }
  }
  return good;
}

let good = false;
try {
  good = check();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
}
process.exit(good ? 0 : 1);
