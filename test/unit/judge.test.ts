import { strict as assert } from "node:assert";
import { foldAccents, judgeTyped, normalize, stripArticle, withinOneEdit, TYPO_MIN_LENGTH, type LangRules } from "../../rooms/word-duel/judge.rules";
import { loadDecks, loadEnglish } from "../../content/decks";

/** Each language's rules as shipped: its deck's, and English's. */
const decks = loadDecks();
const english = loadEnglish();
const lang = (code: string): LangRules => (code === "en" ? english : decks.get(code)!);

describe("judge: normalising", () => {
  it("folds case, spacing, NFC and edge punctuation", () => {
    assert.equal(normalize("  ¿La   Mañana? "), "la mañana");
    assert.equal(normalize("Man\u0303ana"), "mañana"); // decomposed ñ becomes NFC
    assert.equal(normalize("l’eau"), "l'eau");
    assert.equal(normalize("orange (fruit)"), "orange");
    assert.equal(normalize("¡Hola!"), "hola");
  });
  it("strips one optional leading article, never the whole answer", () => {
    assert.equal(stripArticle("la manzana", lang("es")), "manzana");
    assert.equal(stripArticle("l'eau", lang("fr")), "eau");
    assert.equal(stripArticle("l' eau", lang("fr")), "eau");
    assert.equal(stripArticle("das haus", lang("de")), "haus");
    assert.equal(stripArticle("to eat", lang("en")), "eat");
    assert.equal(stripArticle("la", lang("es")), "la");
    assert.equal(stripArticle("la la casa", lang("es")), "la casa");
    assert.equal(stripArticle("lapiz", lang("es")), "lapiz");
  });
  it("folds accents and ligatures", () => {
    assert.equal(foldAccents("élève"), "eleve");
    assert.equal(foldAccents("straße"), "strasse");
    assert.equal(foldAccents("cœur"), "coeur");
  });
});

describe("judge: one edit", () => {
  it("accepts one insert, delete, substitute or neighbour swap", () => {
    assert.ok(withinOneEdit("manzana", "manzanas"));
    assert.ok(withinOneEdit("manzana", "mazana"));
    assert.ok(withinOneEdit("manzana", "manzena"));
    assert.ok(withinOneEdit("manzana", "mnazana"));
    assert.ok(withinOneEdit("abc", "abc"));
  });
  it("refuses two edits", () => {
    assert.ok(!withinOneEdit("manzana", "mnazena"));
    assert.ok(!withinOneEdit("manzana", "manza"));
    assert.ok(!withinOneEdit("abcd", "badc"));
  });
});

describe("judge: typed answers", () => {
  const es = ["la manzana"];
  it("is correct with or without the article, in any case and spacing", () => {
    assert.deepEqual(judgeTyped("la manzana", es, lang("es")), { verdict: "correct" });
    assert.deepEqual(judgeTyped("Manzana", es, lang("es")), { verdict: "correct" });
    assert.deepEqual(judgeTyped("  LA  MANZANA ", es, lang("es")), { verdict: "correct" });
  });
  it("accepts any of several answers", () => {
    const car = ["el coche", "el carro", "el auto"];
    assert.equal(judgeTyped("carro", car, lang("es")).verdict, "correct");
    assert.equal(judgeTyped("el auto", car, lang("es")).verdict, "correct");
  });
  it("gives 'almost' for a missing or wrong accent", () => {
    assert.deepEqual(judgeTyped("manana", ["la mañana"], lang("es")), { verdict: "almost", reason: "accent" });
    assert.deepEqual(judgeTyped("elève", ["l'élève"], lang("fr")), { verdict: "almost", reason: "accent" });
    assert.deepEqual(judgeTyped("strasse", ["die Straße"], lang("de")), { verdict: "correct" });
    assert.deepEqual(judgeTyped("Strase", ["die Straße"], lang("de")), { verdict: "almost", reason: "typo" });
  });
  it("accepts German ae/oe/ue for umlauts as correct", () => {
    assert.equal(judgeTyped("das Maedchen", ["das Mädchen"], lang("de")).verdict, "correct");
    assert.equal(judgeTyped("Mädchen", ["das Mädchen"], lang("de")).verdict, "correct");
    assert.equal(judgeTyped("madchen", ["das Mädchen"], lang("de")).verdict, "almost");
  });
  it("tolerates one typo from TYPO_MIN_LENGTH letters up, not below", () => {
    assert.equal(TYPO_MIN_LENGTH, 5);
    assert.deepEqual(judgeTyped("manzanna", es, lang("es")), { verdict: "almost", reason: "typo" });
    assert.deepEqual(judgeTyped("gato", ["el gato"], lang("es")), { verdict: "correct" });
    assert.deepEqual(judgeTyped("gado", ["el gato"], lang("es")), { verdict: "wrong" }); // 4 letters: no typo allowed
    assert.deepEqual(judgeTyped("perrp", ["el perro"], lang("es")), { verdict: "almost", reason: "typo" }); // 5 letters
    assert.deepEqual(judgeTyped("mnazena", es, lang("es")), { verdict: "wrong" }); // two typos
  });
  it("combines a missing accent with a typo as 'almost'", () => {
    assert.deepEqual(judgeTyped("manan", ["la mañana"], lang("es")), { verdict: "almost", reason: "typo" });
  });
  it("judges English answers with optional 'to' and articles", () => {
    assert.equal(judgeTyped("eat", ["to eat"], lang("en")).verdict, "correct");
    assert.equal(judgeTyped("an apple", ["apple"], lang("en")).verdict, "correct");
    assert.equal(judgeTyped("orange", ["orange (fruit)"], lang("en")).verdict, "correct");
  });
  it("is wrong for empty, article-only and unrelated answers", () => {
    assert.equal(judgeTyped("", es, lang("es")).verdict, "wrong");
    assert.equal(judgeTyped("   ", es, lang("es")).verdict, "wrong");
    assert.equal(judgeTyped("la", es, lang("es")).verdict, "wrong");
    assert.equal(judgeTyped("pera", es, lang("es")).verdict, "wrong");
  });
});

describe("judge: a language's rules come in as data", () => {
  const made: LangRules = { lang: "xx", articles: ["zo", "q'"], spellings: { "ŧ": "th" } };
  it("uses the articles and substitute spellings it is given, and no others", () => {
    assert.equal(judgeTyped("kapa", ["zo kapa"], made).verdict, "correct");
    assert.equal(judgeTyped("ato", ["q'ato"], made).verdict, "correct");
    assert.equal(judgeTyped("ŧoro", ["ŧoro"], made).verdict, "correct");
    assert.equal(judgeTyped("thoro", ["ŧoro"], made).verdict, "correct");
    assert.equal(judgeTyped("manzana", ["la manzana"], made).verdict, "wrong"); // "la" is no article of this language
    assert.deepEqual(judgeTyped("strasse", ["straße"], made), { verdict: "almost", reason: "accent" }); // no ß → ss spelling here
  });
});

describe("judge: words that look like they start with an article", () => {
  it("accepts 'as vezes' for 'às vezes' as almost (accent), not wrong", () => {
    assert.deepEqual(judgeTyped("as vezes", ["às vezes"], lang("pt")), { verdict: "almost", reason: "accent" });
    assert.deepEqual(judgeTyped("às vezes", ["às vezes"], lang("pt")), { verdict: "correct" });
  });
});
