import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DECK_MINIMUMS, deckLangs, deckWarnings, deckWords, loadDecks, loadEnglish, sharedPairs, validateDeck, type Deck } from "../../content/decks";
import { answerKey } from "../../rooms/word-duel/judge.rules";
import { buildQuestion, sharedMeaning } from "../../rooms/word-duel/duel.rules";
import { seededRng } from "../../loadtest/support/rng";

const small = (): Deck => ({
  lang: "es",
  name: "Spanish",
  nativeName: "Español",
  articles: ["el", "la", "los", "las", "un", "una", "unos", "unas"],
  spellings: {},
  keyboard: ["á", "é", "í", "ó", "ú", "ñ"],
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
  const english = loadEnglish();

  it("has a valid deck for each file of content/decks/", () => {
    assert.deepEqual([...decks.keys()].sort(), deckLangs());
  });

  for (const lang of deckLangs()) {
    it(`${lang}: at least 900 words in at least 30 lessons, A1 and A2`, () => {
      const deck = decks.get(lang)!;
      assert.ok(deck.lessons.length >= 30);
      assert.ok(deckWords(deck).length >= 900);
      assert.deepEqual([...new Set(deck.lessons.map((l) => l.level))].sort(), ["A1", "A2"]);
    });

    it(`${lang}: every word gets four distinct choices without a second right one, both ways`, () => {
      const deck = decks.get(lang)!;
      const pool = deckWords(deck);
      const rng = seededRng(7);
      for (const word of pool) {
        for (const direction of ["en-target", "target-en"] as const) {
          const q = buildQuestion(word, pool, "choice", direction, { en: english, target: deck }, rng);
          assert.equal(q.choices.length, 4, `${word.en[0]} ${direction}`);
          const rules = direction === "en-target" ? deck : english;
          const right = q.choices.filter((c) => q.accepted.some((a) => answerKey(a, rules) === answerKey(c, rules)));
          assert.equal(right.length, 1, `${word.en[0]} ${direction}: ${q.choices.join(" | ")}`);
          // No option is another word that shares a meaning with this one (a second right answer).
          const side = direction === "en-target" ? "target" : "en";
          for (const other of pool.filter((w) => w !== word && q.choices.includes(w[side][0]) && w[side][0] !== q.reveal)) {
            assert.equal(sharedMeaning(word, other, { en: english, target: deck }), undefined, `${word.en[0]} ${direction}: ${other.en[0]}`);
          }
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
    deck.lessons[0].words[0].target = ["la manzana", "La  Manzana"];
    deck.lessons[0].words[1].en = ["word0"];
    deck.lessons[0].words[2].target = ["¿?"];
    const problems = validateDeck(deck, relaxed).join("\n");
    assert.match(problems, /the same target answer twice/);
    assert.match(problems, /en prompt is also a form of es-food "word0", so it must accept "la manzana" too/);
    assert.match(problems, /empty target answer/);
  });
  it("checks every pair of words, not only the first that has a form: a prompt that can mean another word accepts its meaning", () => {
    const deck = small();
    const w = deck.lessons[0].words;
    w[3].target = ["el queso", "la sal"]; // "la sal" (salt) is the prompt of w[11] and a form of w[3]
    w[4].target = ["la leche", "la sal"]; // … and of w[4]: both must be reported
    const problems = validateDeck(deck, relaxed);
    assert.equal(problems.filter((p) => p.startsWith('es-food "la sal": target prompt is also a form of')).length, 2, problems.join("\n"));
    w[11].en = ["word11", "word3", "word4"]; // salt now accepts both meanings: fair in typed mode
    assert.deepEqual(validateDeck(deck, relaxed), []);
    // … and the pairs are found, to be kept apart in choices.
    const pairs = sharedPairs(deck, loadEnglish()).map((p) => [p.a.en[0], p.b.en[0]].sort().join("/"));
    assert.deepEqual(pairs.sort(), ["word11/word3", "word11/word4", "word3/word4"]);
  });
  it("checks agreement groups and article senses against the articles, and warns of nouns without their article", () => {
    const deck: any = small();
    deck.agreement = [["el", "un"], ["la", "der"]];
    deck.articleSenses = ["capital"];
    const problems = validateDeck(deck, relaxed).join("\n");
    assert.match(problems, /agreement\.1: "der" is not one of the articles/);
    assert.match(problems, /articleSenses\.0: "capital" does not start with an article/);
    const good = small();
    good.lessons[0].words[0].target = ["la manzana", "pera"];
    assert.deepEqual(deckWarnings(good), ['es-food "word0": "pera" has no article where "la manzana" has one']);
  });
  it("enforces the minimums and the lesson id prefix", () => {
    const deck = small();
    deck.lessons[0].id = "fr-food";
    const problems = validateDeck(deck).join("\n");
    assert.match(problems, /at least 900 needed/);
    assert.match(problems, /at least 30 needed/);
    assert.match(problems, /lesson ids start with "es-"/);
  });
  it("checks a deck's judging rules: articles and substitute spellings as the judge compares them", () => {
    const deck: any = small();
    deck.articles = ["el", "La", "el", "de la"];
    deck.spellings = { "ñ": "ñ", "É": "e" };
    const problems = validateDeck(deck, relaxed).join("\n");
    assert.match(problems, /articles\.1: an article must be lower case/);
    assert.match(problems, /articles\.3: an article must be lower case, one word/);
    assert.match(problems, /articles: lists a word twice/);
    assert.match(problems, /spellings: spells a letter as itself/);
    assert.match(problems, /spellings\.É: a spelled letter must be lower case/);
    assert.deepEqual(validateDeck({ ...small(), articles: undefined }, relaxed), ["articles: Required"]);
  });
  it("takes no deck for English, whose rules are content/english.json", () => {
    assert.match(validateDeck({ ...small(), lang: "en" }, relaxed).join("\n"), /^lang: English is the source/);
    assert.deepEqual(loadEnglish().articles, ["the", "a", "an", "to"]);
    const dir = mkdtempSync(join(tmpdir(), "english-"));
    writeFileSync(join(dir, "english.json"), JSON.stringify({ lang: "es", name: "English", articles: ["The"], spellings: {} }));
    assert.throws(() => loadEnglish(join(dir, "english.json")), (err: Error) => /articles\.0: an article must be lower case/.test(err.message));
  });
  it("stops loading with every problem listed", () => {
    const dir = mkdtempSync(join(tmpdir(), "decks-"));
    writeFileSync(join(dir, "es.json"), JSON.stringify(small()));
    writeFileSync(join(dir, "fr.json"), "{ not json");
    assert.throws(() => loadDecks(dir), (err: Error) => /es\.json: 12 words/.test(err.message) && /fr\.json: not valid JSON/.test(err.message));
    assert.throws(() => loadDecks(dir, relaxed), (err: Error) => !/es\.json/.test(err.message) && /fr\.json/.test(err.message));
  });
});
