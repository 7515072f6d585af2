import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alphabetOf, deckVocabulary, lexiconKey, loadLexicons, oneEditAway, readLexicon, splitWords } from "../../content/lexicon";
import { withWord, wordLine } from "../../content/deck-file";
import type { Deck } from "../../content/decks";

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

describe("deck add: a word line in the files' own layout", () => {
  const text = ['{', '  "lessons": [', '    {', '      "id": "es-x",', '      "words": [', '        { "en": ["dog"], "target": ["el perro"] }', '      ]', '    }', '  ]', '}', ''].join("\n");
  it("appends the word to its lesson, the line before it given its comma", () => {
    const out = withWord(text, "es-x", { en: ["cat"], target: ["el gato", "la gata"], senses: ["pet"] })!;
    assert.deepEqual(JSON.parse(out).lessons[0].words[1], { en: ["cat"], target: ["el gato", "la gata"], senses: ["pet"] });
    assert.match(out, /\n {8}\{ "en": \["dog"\], "target": \["el perro"\] \},\n {8}\{ "en": \["cat"\], "target": \["el gato", "la gata"\], "senses": \["pet"\] \}\n {6}\]/);
    assert.equal(withWord(text, "es-y", { en: ["cat"], target: ["el gato"] }), undefined);
    assert.equal(wordLine({ en: ["I'm \"fine\""], target: ["bien"] }), '{ "en": ["I\'m \\"fine\\""], "target": ["bien"] }');
  });
});
