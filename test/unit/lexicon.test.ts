import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alphabetOf, deckVocabulary, lexiconKey, loadLexicons, oneEditAway, readLexicon, splitWords } from "../../content/lexicon";
import { formatDeck, withWord, wordLine } from "../../content/deck-file";
import { DECKS_DIR, type Deck } from "../../content/decks";

const deck = (words: { en: string[]; target: string[] }[]): Deck => ({
  lang: "es", name: "Spanish", nativeName: "Español", articles: ["el", "la"], spellings: {}, keyboard: [],
  lessons: [{ id: "es-x", title: "X", level: "A1", words }],
});

describe("lexicon: real words near the decks' words", () => {
  it("splits answers into the words the judge compares", () => {
    assert.deepEqual(splitWords("¿Qué hora es?"), ["qué", "hora", "es"]);
    assert.deepEqual(splitWords("l'eau (water)"), ["l", "eau"]);
    assert.deepEqual(splitWords("Guten  Tag!"), ["guten", "tag"]);
  });

  it("makes every one-edit neighbour and the folded form", () => {
    const near = new Set(oneEditAway("año", alphabetOf(["año"])));
    for (const w of ["ano", "añ", "ño", "anño", "ñao", "baño", "añoz"]) assert.ok(near.has(w), w);
    assert.ok(!near.has("anos"), "two edits away");
  });

  it("keeps each language's deck words, English's from every deck", () => {
    const vocab = deckVocabulary(new Map([["es", deck([{ en: ["the dog"], target: ["el perro"] }])]]));
    assert.deepEqual([...vocab.get("en")!].sort(), ["dog", "the"]);
    assert.deepEqual([...vocab.get("es")!].sort(), ["el", "perro"]);
  });

  it("reads a lexicon only for the deck words it was worked out from; without one, the deck words alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "lexicon-"));
    const decks = new Map([["es", deck([{ en: ["dog"], target: ["el perro"] }])]]);
    const words = deckVocabulary(decks).get("es")!;
    writeFileSync(join(dir, "es.json"), JSON.stringify({ lang: "es", key: lexiconKey(words), dictionary: "dictionary-es@test", near: ["pero"] }));
    assert.deepEqual(readLexicon("es", words, dir)?.near, ["pero"]);
    assert.equal(readLexicon("es", new Set(["gato"]), dir), undefined, "stale: other deck words");
    const loaded = loadLexicons(decks, dir);
    assert.deepEqual(loaded.missing, ["en"]);
    assert.deepEqual([...loaded.words.get("es")!].sort(), ["el", "pero", "perro"]);
    assert.deepEqual([...loaded.words.get("en")!], ["dog"]);
  });
});

describe("deck add: the files' own layout", () => {
  const deck = (): Deck => ({
    lang: "es", name: "Spanish", nativeName: "Español", articles: ["el"], spellings: {}, keyboard: ["ñ"],
    lessons: [
      { id: "es-x", title: "X", level: "A1", words: [{ en: ["dog"], target: ["el perro"] }] },
      { id: "es-y", title: "Y", level: "A2", words: [{ en: ["cat"], target: ["el gato"] }] },
    ],
  });
  it("writes every shipped deck back byte for byte", () => {
    for (const lang of ["de", "es", "fr", "it", "pt"]) {
      const text = readFileSync(join(DECKS_DIR, `${lang}.json`), "utf8");
      assert.equal(formatDeck(JSON.parse(text)), text, lang);
    }
  });
  it("appends a word to its lesson, one line, and nowhere else", () => {
    const out = withWord(deck(), "es-x", { en: ["cow"], target: ["la vaca"], senses: ["farm"] })!;
    const parsed = JSON.parse(out) as Deck;
    assert.deepEqual(parsed.lessons[0].words.map((w) => w.en[0]), ["dog", "cow"]);
    assert.deepEqual(parsed.lessons[1].words.map((w) => w.en[0]), ["cat"]);
    assert.match(out, /\n {8}\{ "en": \["dog"\], "target": \["el perro"\] \},\n {8}\{ "en": \["cow"\], "target": \["la vaca"\], "senses": \["farm"\] \}\n {6}\]/);
    assert.equal(withWord(deck(), "es-z", { en: ["cow"], target: ["la vaca"] }), undefined);
    assert.equal(wordLine({ en: ['I\'m "fine"'], target: ["bien"] }), '{ "en": ["I\'m \\"fine\\""], "target": ["bien"] }');
  });
});
