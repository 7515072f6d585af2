/** `npm run validate-content [file…]`: checks decks and prints every problem, exit 1 on any. */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { deckWords, loadDecks, validateDeck, type Deck } from "./decks";

function report(deck: Deck): string {
  const words = deckWords(deck).length;
  return `${deck.lang}: ${deck.lessons.length} lessons, ${words} words`;
}

const files = process.argv.slice(2);
let failed = false;
if (files.length === 0) {
  try {
    for (const deck of loadDecks().values()) process.stdout.write(`ok ${report(deck)}\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    failed = true;
  }
} else {
  for (const file of files) {
    const raw = JSON.parse(readFileSync(file, "utf8"));
    const problems = validateDeck(raw);
    if (problems.length === 0) process.stdout.write(`ok ${basename(file)} ${report(raw as Deck)}\n`);
    else {
      failed = true;
      process.stderr.write(`${basename(file)}:\n  ${problems.join("\n  ")}\n`);
    }
  }
}
process.exit(failed ? 1 : 0);
