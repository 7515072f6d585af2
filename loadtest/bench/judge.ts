/**
 * What judging one typed answer costs (rooms/word-duel/judge.rules.ts): against a question's
 * accepted answers prepared once (answerKeys, what a room does since issue 11's review) and
 * prepared again on every answer (judgeTyped, what it did before). Every word of one deck, a
 * wrong answer (the longest path: exact, accents, typos all tried), single core, after a
 * warm-up. Prints ns per answer.
 *   npm run bench:judge -- [--lang de] [--answers 200000]
 */
import { loadDecks } from "../../content/decks";
import { LessonCatalog } from "../../server/lessons.service";
import { answerKeys, judgeKeys, judgeTyped, type AnswerKey } from "../../rooms/word-duel/judge.rules";
import { number, oneOf, parseOrExit, readFlags } from "../support/args";

const decks = loadDecks();
const USAGE = "usage: npm run bench:judge -- [--lang de] [--answers 200000]";
const opts = parseOrExit("bench:judge", USAGE, () => {
  const flags = readFlags(process.argv.slice(2), { lang: { type: "string" }, answers: { type: "string" } });
  return { lang: oneOf("lang", flags.lang, "de", [...decks.keys()]), answers: number("answers", flags.answers, 200_000, 1000, 10_000_000) };
});
// The rules a room judges by: the deck's, with the language's real words (content/lexicon.ts).
const deck = new LessonCatalog(decks).judging(opts.lang)!.target;
const words = decks.get(opts.lang)!.lessons.flatMap((l) => l.words);
const prepared: AnswerKey[][] = words.map((w) => answerKeys(w.target, deck, w.en));
const WRONG = "falsche antwortx";

const ways = [
  ["prepared once per question (answerKeys + judgeKeys)", (i: number) => judgeKeys(WRONG, prepared[i], deck)],
  ["prepared on every answer (judgeTyped)", (i: number) => judgeTyped(WRONG, words[i].target, deck, words[i].en)],
] as const;
for (const [name, judge] of ways) {
  for (let k = 0; k < opts.answers / 10; k++) judge(k % words.length);
  const start = process.hrtime.bigint();
  for (let k = 0; k < opts.answers; k++) judge(k % words.length);
  console.log(`${name}: ${(Number(process.hrtime.bigint() - start) / opts.answers).toFixed(0)} ns per wrong typed answer (${opts.lang}, ${words.length} words)`);
}
