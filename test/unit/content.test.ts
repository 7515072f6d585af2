import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DECK_MINIMUMS, deckWords, loadDecks, TARGET_LANGS, validateDeck, type Deck } from "../../content/decks";
import { answerKey } from "../../rooms/word-duel/judge.rules";
import { buildQuestion } from "../../rooms/word-duel/duel.rules";
import { seededRng } from "../../loadtest/support/rng";

const small = (): Deck => ({
  lang: "es",
  name: "Spanish",
  nativeName: "Español",
  lessons: [
    {
      id: "es-food",
      title: "Food",
      level: "A1",
      words: ["la manzana", "la pera", "el pan", "el queso", "la leche", "el agua", "el arroz", "la sopa", "el huevo", "la carne", "el pescado", "la sal"].map((t, i) => ({ en: [`word${i}`], target: [t] })),
    },
  ],
});
const relaxed = { ...DECK_MINIMUMS, words: 1, lessons: 1 };

describe("content: the shipped decks", () => {
  const decks = loadDecks();

  it("has a valid deck for each of es, fr, de, it, pt", () => {
    assert.deepEqual([...decks.keys()].sort(), [...TARGET_LANGS].sort());
  });

  for (const lang of TARGET_LANGS) {
    it(`${lang}: at least 300 words in at least 12 lessons, A1 and A2`, () => {
      const deck = decks.get(lang)!;
      assert.ok(deck.lessons.length >= 12);
      assert.ok(deckWords(deck).length >= 300);
      assert.deepEqual([...new Set(deck.lessons.map((l) => l.level))].sort(), ["A1", "A2"]);
    });

    it(`${lang}: every word gets four distinct choices without a second right one, both ways`, () => {
      const deck = decks.get(lang)!;
      const pool = deckWords(deck);
      const rng = seededRng(7);
      for (const word of pool) {
        for (const direction of ["en-target", "target-en"] as const) {
          const q = buildQuestion(word, pool, "choice", direction, lang, rng);
          assert.equal(q.choices.length, 4, `${word.en[0]} ${direction}`);
          const lang2 = direction === "en-target" ? lang : "en";
          const right = q.choices.filter((c) => q.accepted.some((a) => answerKey(a, lang2) === answerKey(c, lang2)));
          assert.equal(right.length, 1, `${word.en[0]} ${direction}: ${q.choices.join(" | ")}`);
        }
      }
    });
  }
});

describe("content: the validator", () => {
  it("accepts a good deck", () => {
    assert.deepEqual(validateDeck(small(), relaxed), []);
  });
  it("names schema problems by path", () => {
    const deck: any = small();
    deck.lessons[0].words[0].target = [];
    deck.lessons[0].level = "C2";
    const problems = validateDeck(deck, relaxed);
    assert.ok(problems.some((p) => p.startsWith("lessons.0.words.0.target")));
    assert.ok(problems.some((p) => p.startsWith("lessons.0.level")));
  });
  it("finds empty and repeated answers and duplicates across words", () => {
    const deck = small();
    deck.lessons[0].words[0].target = ["la manzana", "manzana"];
    deck.lessons[0].words[1].en = ["word0"];
    deck.lessons[0].words[2].target = ["¿?"];
    const problems = validateDeck(deck, relaxed).join("\n");
    assert.match(problems, /the same target answer twice/);
    assert.match(problems, /en prompt is also an answer/);
    assert.match(problems, /empty target answer/);
  });
  it("enforces the minimums and the lesson id prefix", () => {
    const deck = small();
    deck.lessons[0].id = "fr-food";
    const problems = validateDeck(deck).join("\n");
    assert.match(problems, /at least 300 needed/);
    assert.match(problems, /at least 12 needed/);
    assert.match(problems, /lesson ids start with "es-"/);
  });
  it("stops loading with every problem listed", () => {
    const dir = mkdtempSync(join(tmpdir(), "decks-"));
    writeFileSync(join(dir, "es.json"), JSON.stringify(small()));
    writeFileSync(join(dir, "fr.json"), "{ not json");
    assert.throws(() => loadDecks(dir), (err: Error) => /es\.json: 12 words/.test(err.message) && /fr\.json: not valid JSON/.test(err.message));
    assert.throws(() => loadDecks(dir, relaxed), (err: Error) => !/es\.json/.test(err.message) && /fr\.json/.test(err.message));
  });
});
