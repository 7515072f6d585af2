/**
 * Typed answers graded as a language teacher grades them, through the real judge, the real
 * decks and the real lexicons (content/lexicon.ts): right, almost (with why) or wrong, in
 * both directions and all six languages. Each probe names a word by its prompt; a probe
 * whose prompt is gone from the deck fails, so the table cannot silently shrink.
 */
import assert from "node:assert/strict";
import { answersFor, loadDecks } from "../../content/decks";
import { judgeTyped, type Judgement } from "../../rooms/word-duel/judge.rules";
import type { AlmostReason, Direction, Verdict } from "../../rooms/word-duel/messages";
import { LessonCatalog } from "../../server/lessons.service";

/** A verdict, with an almost's reason in its place. */
type Expect = Exclude<Verdict, "almost" | "none"> | AlmostReason;
/** [language, prompt, what the learner typed, the grade]; English prompts ask the deck's language, others ask English. */
type Probe = [lang: string, prompt: string, typed: string, grade: Expect];

const probes: Probe[] = [
  // Spanish, typed in Spanish
  ["es", "apple", "la manzana", "correct"],
  ["es", "apple", "manzana", "correct"],
  ["es", "apple", "una manzana", "correct"],
  ["es", "apple", "el manzana", "article"],
  ["es", "apple", "un manzana", "article"],
  ["es", "apple", "la manzanna", "typo"],
  ["es", "apple", "la mansana", "typo"],
  ["es", "water", "el agua", "correct"],
  ["es", "water", "la agua", "article"],
  ["es", "water", "agua", "correct"],
  ["es", "dog", "el perro", "correct"],
  ["es", "dog", "la perra", "correct"],
  ["es", "dog", "pero", "wrong"],
  ["es", "dog", "el pero", "wrong"],
  ["es", "dog", "el perrp", "typo"],
  ["es", "year", "el año", "correct"],
  ["es", "year", "el ano", "wrong"],
  ["es", "morning", "la manana", "accent"],
  ["es", "morning", "el mañana", "wrong"],
  ["es", "right (direction)", "la derecha", "correct"],
  ["es", "right (direction)", "el derecho", "wrong"],
  ["es", "I don't understand", "no entiendo", "correct"],
  ["es", "I don't understand", "yo no entiendo", "correct"],
  ["es", "I don't understand", "tú no entiendo", "wrong"],
  ["es", "I don't understand", "no entiendo nada", "wrong"],
  ["es", "good morning", "buenos dias", "accent"],
  ["es", "good morning", "buenos días", "correct"],
  ["es", "what's your name?", "¿cómo te llamas?", "correct"],
  ["es", "what's your name?", "como te llamas", "wrong"], // "como" (I eat, like) is another word: the accent makes "cómo"
  ["es", "what's your name?", "¿cómo te llamás?", "accent"],
  ["es", "how much is it?", "cuánto cuesta", "correct"],
  ["es", "potato", "la papa", "correct"],
  ["es", "potato", "el papa", "wrong"],
  ["es", "car", "el carro", "correct"],
  ["es", "car", "la coche", "article"],
  ["es", "to like", "gustar", "correct"],
  ["es", "student", "la estudiante", "correct"],
  ["es", "student", "los estudiante", "article"],
  ["es", "house", "la cosa", "wrong"],
  ["es", "house", "casa", "correct"],
  ["es", "you're welcome", "de nada", "correct"],
  // Articles where they do not belong, and two mistakes at once
  ["es", "dog", "el el perro", "wrong"],
  ["es", "dog", "un el perro", "wrong"],
  ["es", "always", "el siempre", "wrong"],
  ["es", "I don't understand", "el no entiendo", "wrong"],
  ["es", "apple", "el manzanna", "wrong"],
  ["es", "morning", "un mañana", "wrong"],
  ["es", "apple", "la man\u200bzana", "correct"],
  // Spanish prompts, typed in English
  ["es", "la manzana", "apple", "correct"],
  ["es", "la manzana", "an apple", "correct"],
  ["es", "la manzana", "the apple", "correct"],
  ["es", "la manzana", "aple", "typo"],
  ["es", "la casa", "house", "correct"],
  ["es", "la casa", "horse", "wrong"],
  ["es", "la casa", "hause", "typo"],
  ["es", "lo siento", "I'm sorry", "correct"],
  ["es", "lo siento", "I am sorry", "correct"],
  ["es", "lo siento", "im sorry", "correct"],
  ["es", "no entiendo", "I do not understand", "correct"],
  ["es", "no entiendo", "I don't understand", "correct"],
  ["es", "no entiendo", "I dont understand", "correct"],
  ["es", "de nada", "you are welcome", "correct"],
  ["es", "comer", "to eat", "correct"],
  ["es", "comer", "eat", "correct"],
  ["es", "el perro", "dog", "correct"],
  ["es", "el perro", "dig", "wrong"],
  ["es", "el agua", "walter", "typo"],
  ["es", "no entiendo", "I dont understnd", "typo"],
  ["es", "lo siento", "Iʼm sorry", "correct"],
  // French, typed in French
  ["fr", "water", "l'eau", "correct"],
  ["fr", "water", "l eau", "correct"],
  ["fr", "water", "leau", "correct"],
  ["fr", "water", "eau", "correct"],
  ["fr", "water", "la eau", "article"],
  ["fr", "water", "le eau", "article"],
  ["fr", "house", "la maison", "correct"],
  ["fr", "house", "une maison", "correct"],
  ["fr", "house", "le maison", "article"],
  ["fr", "house", "la maisn", "typo"],
  ["fr", "book", "le livre", "correct"],
  ["fr", "book", "un livre", "correct"],
  ["fr", "book", "la livre", "wrong"],
  ["fr", "fish", "le poisson", "correct"],
  ["fr", "fish", "le poison", "wrong"],
  ["fr", "fish", "le poissson", "typo"],
  ["fr", "left (direction)", "à gauche", "correct"],
  ["fr", "left (direction)", "a gauche", "wrong"],
  ["fr", "right (direction)", "à droite", "correct"],
  ["fr", "right (direction)", "à droit", "wrong"],
  ["fr", "today", "aujourd'hui", "correct"],
  ["fr", "today", "aujourdhui", "correct"],
  ["fr", "today", "aujourd hui", "correct"],
  ["fr", "to study", "étudier", "correct"],
  ["fr", "to study", "etudier", "accent"],
  ["fr", "to ask", "demander", "correct"],
  ["fr", "ill", "malade", "correct"],
  ["fr", "cake", "le gateau", "accent"],
  ["fr", "cake", "le gatteau", "typo"],
  ["fr", "I don't understand", "je ne comprends pas", "correct"],
  ["fr", "I don't understand", "je ne comprend pas", "wrong"],
  ["fr", "it's raining", "il pleut", "correct"],
  ["fr", "sorry", "désolé", "correct"],
  ["fr", "sorry", "desole", "accent"],
  ["fr", "book", "une livre", "wrong"],
  ["fr", "house", "le maisson", "wrong"],
  ["fr", "water", "lʼeau", "correct"],
  ["fr", "today", "aujourdui", "typo"],
  // French prompts, typed in English
  ["fr", "à gauche", "on the left", "correct"],
  ["fr", "à gauche", "to the left", "correct"],
  ["fr", "il pleut", "it rains", "correct"],
  ["fr", "il pleut", "it is raining", "correct"],
  ["fr", "le livre", "book", "correct"],
  ["fr", "le livre", "the book", "correct"],
  ["fr", "le livre", "look", "wrong"],
  ["fr", "la maison", "hous", "typo"],
  ["fr", "je ne comprends pas", "I do not understand", "correct"],
  // German, typed in German
  ["de", "cat", "die Katze", "correct"],
  ["de", "cat", "eine Katze", "correct"],
  ["de", "cat", "Katze", "correct"],
  ["de", "cat", "der Katze", "article"],
  ["de", "cat", "das Katze", "article"],
  ["de", "cat", "die Kaztze", "typo"],
  ["de", "lake", "der See", "correct"],
  ["de", "lake", "die See", "wrong"],
  ["de", "cake", "der Kuchen", "correct"],
  ["de", "cake", "die Küche", "wrong"],
  ["de", "cake", "der Kuchn", "typo"],
  ["de", "kitchen", "die Küche", "correct"],
  ["de", "kitchen", "die Kueche", "correct"],
  ["de", "kitchen", "die Kuche", "accent"],
  ["de", "beautiful", "schön", "correct"],
  ["de", "beautiful", "schoen", "correct"],
  ["de", "beautiful", "schon", "wrong"],
  ["de", "street", "die Strasse", "correct"],
  ["de", "street", "die Straße", "correct"],
  ["de", "girl", "das Mädchen", "correct"],
  ["de", "girl", "die Mädchen", "article"],
  ["de", "girl", "das Madchen", "accent"],
  ["de", "clothes", "die Kleider", "correct"],
  ["de", "clothes", "die Kleidung", "correct"],
  ["de", "always", "immer", "correct"],
  ["de", "never", "nie", "correct"],
  ["de", "often", "oft", "correct"],
  ["de", "people", "die Leute", "correct"],
  ["de", "husband", "der Mann", "correct"],
  ["de", "husband", "der Ehemann", "correct"],
  ["de", "I don't understand", "ich verstehe nicht", "correct"],
  ["de", "kitchen", "die Kuech", "typo"],
  ["de", "kitchen", "der Kuche", "wrong"],
  ["de", "lake", "eine See", "wrong"],
  ["de", "girl", "das Maedchn", "typo"],
  // German prompts, typed in English
  ["de", "bitte", "you're welcome", "correct"],
  ["de", "bitte", "please", "correct"],
  ["de", "der Mann", "husband", "correct"],
  ["de", "der Mann", "man", "correct"],
  ["de", "die Katze", "cat", "correct"],
  ["de", "die Katze", "the cat", "correct"],
  ["de", "die Katze", "car", "wrong"],
  ["de", "schön", "beautifull", "typo"],
  // Italian, typed in Italian
  ["it", "house", "la casa", "correct"],
  ["it", "house", "casa", "correct"],
  ["it", "house", "il casa", "article"],
  ["it", "house", "la cassa", "wrong"],
  ["it", "hat", "il cappello", "correct"],
  ["it", "hat", "il capello", "wrong"],
  ["it", "hat", "il capppello", "typo"],
  ["it", "fish", "il pesce", "correct"],
  ["it", "fish", "la pesca", "wrong"],
  ["it", "grandfather", "il nonno", "correct"],
  ["it", "grandfather", "la nonna", "wrong"],
  ["it", "grandmother", "la nonna", "correct"],
  ["it", "grandmother", "il nonna", "article"],
  ["it", "funny", "buffo", "correct"],
  ["it", "funny", "divertente", "correct"],
  ["it", "funny", "divertnte", "typo"],
  ["it", "water", "l'acqua", "correct"],
  ["it", "water", "lacqua", "correct"],
  ["it", "water", "l acqua", "correct"],
  ["it", "water", "la acqua", "article"],
  ["it", "friend", "l'amico", "correct"],
  ["it", "friend", "un amico", "correct"],
  ["it", "I don't understand", "non capisco", "correct"],
  ["it", "I don't understand", "io non capisco", "correct"],
  ["it", "I don't understand", "tu non capisco", "wrong"],
  ["it", "coffee", "il caffe", "accent"],
  ["it", "city", "la citta", "accent"],
  ["it", "Thursday", "giovedi", "accent"],
  ["it", "university", "l'universita", "accent"],
  ["it", "university", "luniversità", "correct"],
  ["it", "dentist", "la dentista", "correct"],
  ["it", "dentist", "il dentista", "correct"],
  ["it", "dentist", "lo dentista", "article"],
  ["it", "tomorrow", "domani", "correct"],
  ["it", "tomorrow", "domanni", "typo"],
  ["it", "friend", "uno amico", "article"],
  ["it", "I don't understand", "il non capisco", "wrong"],
  // Italian prompts, typed in English
  ["it", "ciao", "hello", "correct"],
  ["it", "ciao", "goodbye", "correct"],
  ["it", "mi dispiace", "I am sorry", "correct"],
  ["it", "il pesce", "fish", "correct"],
  ["it", "il pesce", "fist", "wrong"],
  // Portuguese, typed in Portuguese
  ["pt", "house", "a casa", "correct"],
  ["pt", "house", "casa", "correct"],
  ["pt", "house", "o casa", "article"],
  ["pt", "house", "uma casa", "correct"],
  ["pt", "grandmother", "a avó", "correct"],
  ["pt", "grandmother", "a avô", "wrong"],
  ["pt", "grandfather", "o avô", "correct"],
  ["pt", "grandfather", "o avó", "wrong"],
  ["pt", "year", "o ano", "correct"],
  ["pt", "doctor", "o doutor", "correct"],
  ["pt", "doctor", "a doutora", "correct"],
  ["pt", "doctor", "a médica", "correct"],
  ["pt", "doctor", "o médicoo", "typo"],
  ["pt", "plane", "o avioã", "typo"],
  ["pt", "doctor", "o medico", "wrong"], // "medico" (I medicate) is another word
  ["pt", "plane", "o aviao", "accent"],
  ["pt", "excuse me", "desculpe", "correct"],
  ["pt", "excuse me", "com licença", "correct"],
  ["pt", "excuse me", "com licenca", "accent"],
  ["pt", "I don't understand", "não entendo", "correct"],
  ["pt", "I don't understand", "eu não entendo", "correct"],
  ["pt", "I don't understand", "ele não entendo", "wrong"],
  ["pt", "I don't understand", "nao entendo", "accent"],
  ["pt", "bread", "o pão", "correct"],
  ["pt", "bread", "o pao", "accent"],
  ["pt", "bread", "a pão", "article"],
  ["pt", "to be able to", "poder", "correct"],
  ["pt", "water", "a agua", "accent"],
  // Portuguese prompts, typed in English
  ["pt", "o dedo", "finger", "correct"],
  ["pt", "desculpa", "sorry", "correct"],
  ["pt", "o pão", "bread", "correct"],
  ["pt", "o pão", "breed", "wrong"],
  ["pt", "o pão", "bred", "wrong"],
  ["pt", "a casa", "house", "correct"],
];

const decks = loadDecks();
// Made when the tests run, not when mocha loads this file: the lexicons are worked out by the
// global setup (test/infra/services.ts), which runs after every test file is loaded.
let catalog: LessonCatalog;

/** The word a probe names, its accepted answers in the direction its prompt implies, and the rules they are judged by. */
function judge([lang, prompt, typed]: Probe): Judgement {
  const deck = decks.get(lang)!;
  const langs = catalog.judging(lang)!;
  const english = answersFor(deck, prompt, "en-target");
  const direction: Direction = english ? "en-target" : "target-en";
  const accepted = english ?? answersFor(deck, prompt, "target-en");
  assert.ok(accepted, `${lang}: no word has the prompt "${prompt}"`);
  if (direction === "target-en") return judgeTyped(typed, accepted, langs.en);
  const word = deck.lessons.flatMap((l) => l.words).find((w) => w.en[0] === prompt)!;
  return judgeTyped(typed, accepted, langs.target, word.en);
}

const grade = (j: Judgement): Expect => (j.verdict === "almost" ? j.reason : j.verdict);

describe("judging as a teacher grades (probes through the real decks and lexicons)", () => {
  before(() => {
    catalog = new LessonCatalog(decks);
  });

  it("has at least 150 probes over all six languages, each grade in each", () => {
    assert.ok(probes.length >= 150, `${probes.length} probes`);
    for (const lang of ["es", "fr", "de", "it", "pt"]) {
      const grades = new Set(probes.filter((p) => p[0] === lang).map((p) => p[3]));
      for (const g of ["correct", "wrong", "accent", "typo", "article"] satisfies Expect[]) assert.ok(grades.has(g), `${lang} has no "${g}" probe`);
    }
    // English answers: the target-en probes.
    assert.ok(probes.filter((p) => !answersFor(decks.get(p[0])!, p[1], "en-target")).length >= 30);
  });

  it("has the lexicons worked out (npm run lexicon), or real-word slips would get half credit", () => {
    assert.deepEqual(catalog.lexicons.missing, []);
  });

  for (const probe of probes) {
    const [lang, prompt, typed, expected] = probe;
    it(`${lang} "${prompt}" ← "${typed}": ${expected}`, () => {
      assert.equal(grade(judge(probe)), expected);
    });
  }
});
