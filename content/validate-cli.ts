/**
 * `npm run validate-content [file…]`: checks English's rules and the decks (all of
 * content/decks/, or the files named) and prints every problem, exit 1 on any.
 */
import { basename } from "node:path";
import { DECK_MINIMUMS, deckWords, loadDecks, loadEnglish, pairLine, readDeckFile, sharedPairs, type Deck, type Language } from "./decks";

function judging(rules: Language): string {
  return `${rules.articles.length} optional articles, ${Object.keys(rules.spellings).length} substitute spellings`;
}

/** A deck's line, then every pair of its words that share a meaning (kept apart in choice questions). */
function report(deck: Deck, english: Language): string {
  const pairs = sharedPairs(deck, english);
  const lines = pairs.map((p) => `  kept apart: ${pairLine(p)}`);
  return [`${deck.lang}: ${deck.lessons.length} lessons, ${deckWords(deck).length} words, ${judging(deck)}; ${pairs.length} pairs share a meaning`, ...lines].join("\n");
}

function check(): boolean {
  const english = loadEnglish();
  process.stdout.write(`ok en: ${judging(english)}\n`);
  const files = process.argv.slice(2);
  if (files.length === 0) {
    for (const deck of loadDecks(undefined, undefined, english).values()) process.stdout.write(`ok ${report(deck, english)}\n`);
    return true;
  }
  let good = true;
  // Each file as the server would read it (named for its language too); every file's problems are said.
  for (const file of files) {
    const { deck, problems } = readDeckFile(file, DECK_MINIMUMS, english);
    if (deck) process.stdout.write(`ok ${basename(file)} ${report(deck, english)}\n`);
    else {
      good = false;
      process.stderr.write(`${problems.join("\n")}\n`);
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
