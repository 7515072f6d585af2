import { strict as assert } from "node:assert";
import {
  buildQuestion, decideWinner, duelOutcome, isLate, judgeAnswer, mayAnswer, pickDistractors, pickForReview, pickWords, placements, revealOf, roundComplete, roundOutcome, roundWord, scoreAnswer, sharedMeaning, tooFewToGoOn,
  type DuelLangs, type RuleWord,
} from "../../rooms/word-duel/duel.rules";
import { loadDecks, loadEnglish } from "../../content/decks";
import { seededRng } from "../../loadtest/support/rng";

const spanish: DuelLangs = { en: loadEnglish(), target: loadDecks().get("es")! };

const word = (en: string[], target: string[], lessonId = "es-food", level = "A1"): RuleWord => ({ en, target, lessonId, level });
const apple = word(["apple"], ["la manzana"]);
const pool: RuleWord[] = [
  apple,
  word(["pear"], ["la pera"]),
  word(["bread"], ["el pan"]),
  word(["cheese"], ["el queso"]),
  word(["milk"], ["la leche"], "es-drinks"),
  word(["dog"], ["el perro"], "es-animals", "A2"),
];

describe("rules: scoring", () => {
  it("gives 1000 at once and 500 at the deadline", () => {
    assert.deepEqual(scoreAnswer("correct", 0, 10_000, 0), { points: 1000, streak: 1 });
    assert.deepEqual(scoreAnswer("correct", 10_000, 10_000, 0), { points: 500, streak: 1 });
    assert.deepEqual(scoreAnswer("correct", 5_000, 10_000, 0), { points: 750, streak: 1 });
    assert.deepEqual(scoreAnswer("correct", 3_333, 10_000, 0), { points: 833, streak: 1 }); // 833.35 rounds down
  });
  it("clamps elapsed time into the round", () => {
    assert.equal(scoreAnswer("correct", -50, 10_000, 0).points, 1000);
    assert.equal(scoreAnswer("correct", 99_000, 10_000, 0).points, 500);
  });
  it("halves points for 'almost' and keeps the streak", () => {
    assert.deepEqual(scoreAnswer("almost", 0, 10_000, 0), { points: 500, streak: 1 });
    assert.deepEqual(scoreAnswer("almost", 5_000, 10_000, 1), { points: 375 + 100, streak: 2 });
  });
  it("adds 100 per streak round after the first, capped at 500", () => {
    assert.equal(scoreAnswer("correct", 0, 10_000, 1).points, 1100);
    assert.equal(scoreAnswer("correct", 0, 10_000, 5).points, 1500);
    assert.equal(scoreAnswer("correct", 0, 10_000, 9).points, 1500);
  });
  it("gives nothing and resets the streak when wrong or unanswered", () => {
    assert.deepEqual(scoreAnswer("wrong", 0, 10_000, 4), { points: 0, streak: 0 });
    assert.deepEqual(scoreAnswer("none", 0, 10_000, 4), { points: 0, streak: 0 });
  });
});

describe("rules: questions", () => {
  it("picks distinct words, all of them when asked for more", () => {
    const picked = pickWords(pool, 4, seededRng(1));
    assert.equal(new Set(picked).size, 4);
    assert.equal(pickWords(pool, 99, seededRng(2)).length, pool.length);
  });
  it("builds four distinct choices with the answer among them", () => {
    for (let seed = 0; seed < 50; seed++) {
      const q = buildQuestion(apple, pool, "choice", "en-target", spanish, seededRng(seed));
      assert.equal(q.prompt, "apple");
      assert.equal(q.choices.length, 4);
      assert.equal(new Set(q.choices).size, 4);
      assert.ok(q.choices.includes("la manzana"));
      assert.ok(!q.choices.includes("el perro"), "a distractor from another level");
    }
  });
  it("prefers distractors from the same lesson", () => {
    const d = pickDistractors(apple, pool, "en-target", spanish, seededRng(3));
    assert.deepEqual(d.slice().sort(), ["el pan", "el queso", "la pera"]);
  });
  it("never offers another accepted answer as a distractor", () => {
    const fish = word(["fish"], ["el pescado", "el pez"]);
    const twin = word(["fish (alive)"], ["el pez"]);
    const d = pickDistractors(fish, [fish, twin, ...pool], "en-target", spanish, seededRng(4));
    assert.ok(!d.includes("el pez"));
  });
  it("never offers a word that shares a meaning: a form on either side, folded, or a sense group", () => {
    const man = word(["man"], ["el hombre"]);
    const husband = word(["husband"], ["el marido", "el Hombre"]); // shares "hombre" on the answer side
    const sorry = word(["sorry"], ["lo siento"], "es-food", "A1");
    const excuse = { ...word(["excuse me"], ["disculpe"]), senses: ["apology"] };
    const apology = { ...sorry, senses: ["apology"] };
    const naranja = word(["orange (fruit)"], ["la naranja"]);
    const colour = word(["Orange (colour)"], ["naranja"]); // shares "orange" on the prompt side once hints and case are folded
    const many = [man, husband, apology, excuse, naranja, colour, ...pool];
    for (let seed = 1; seed <= 40; seed++) {
      for (const direction of ["en-target", "target-en"] as const) {
        const rng = seededRng(seed);
        assert.ok(!pickDistractors(husband, many, direction, spanish, rng).includes(direction === "en-target" ? "el hombre" : "man"));
        assert.ok(!pickDistractors(apology, many, direction, spanish, rng).includes(direction === "en-target" ? "disculpe" : "excuse me"));
        assert.ok(!pickDistractors(naranja, many, direction, spanish, rng).includes(direction === "en-target" ? "naranja" : "Orange (colour)"));
      }
    }
    assert.match(sharedMeaning(man, husband, spanish)!, /both "hombre"/);
    assert.match(sharedMeaning(apology, excuse, spanish)!, /sense group "apology"/);
    assert.equal(sharedMeaning(man, apple, spanish), undefined);
  });
  it("reverses direction", () => {
    const q = buildQuestion(apple, pool, "typed", "target-en", spanish, seededRng(5));
    assert.equal(q.prompt, "la manzana");
    assert.deepEqual(q.choices, []);
    assert.equal(q.answerLang, "en");
    assert.equal(judgeAnswer(q, "an apple").verdict, "correct");
  });
});

describe("rules: judging a question", () => {
  const q = buildQuestion(apple, pool, "choice", "en-target", spanish, seededRng(6));
  it("is correct only for the right option", () => {
    assert.equal(judgeAnswer(q, "la manzana").verdict, "correct");
    assert.equal(judgeAnswer(q, q.choices.find((c) => c !== "la manzana")!).verdict, "wrong");
  });
  it("is invalid for text that is not an option", () => {
    assert.equal(judgeAnswer(q, "manzana").verdict, "invalid");
    assert.equal(judgeAnswer(q, "").verdict, "invalid");
  });
});

describe("rules: end of round and duel", () => {
  it("closes a round when every active player answered", () => {
    assert.ok(roundComplete([{ answered: true, active: true }, { answered: false, active: false }]));
    assert.ok(!roundComplete([{ answered: true, active: true }, { answered: false, active: true }]));
    assert.ok(!roundComplete([{ answered: false, active: false }]));
  });
  it("ends a duel when forfeits leave too few players", () => {
    assert.deepEqual([tooFewToGoOn(2, false), tooFewToGoOn(1, false), tooFewToGoOn(1, true), tooFewToGoOn(0, true)], [false, true, false, true]);
  });
  it("counts an answer at the deadline as late", () => {
    assert.ok(!isLate(999, 1000));
    assert.ok(isLate(1000, 1000));
  });
  it("decides the winner, a draw, and a forfeit", () => {
    assert.equal(decideWinner([{ sessionId: "a", score: 10, forfeited: false }, { sessionId: "b", score: 20, forfeited: false }]), "b");
    assert.equal(decideWinner([{ sessionId: "a", score: 20, forfeited: false }, { sessionId: "b", score: 20, forfeited: false }]), "");
    assert.equal(decideWinner([{ sessionId: "a", score: 0, forfeited: false }, { sessionId: "b", score: 900, forfeited: true }]), "a");
    assert.equal(decideWinner([{ sessionId: "a", score: 0, forfeited: true }]), "");
  });
});

describe("rules: answering and placements", () => {
  const base = { phase: "round", round: 2, answered: false, forfeited: false, now: 100, roundEndsAt: 200 };
  it("takes a first answer in time during a round", () => {

    assert.deepEqual(mayAnswer(base), { ok: true });
    assert.equal((mayAnswer({ ...base, phase: "reveal" }) as any).code, "DUEL_NOT_IN_ROUND");
    assert.equal((mayAnswer({ ...base, forfeited: true }) as any).code, "DUEL_NOT_IN_ROUND");
    assert.equal((mayAnswer({ ...base, answered: true }) as any).code, "DUEL_ALREADY_ANSWERED");
    assert.equal((mayAnswer({ ...base, now: 200 }) as any).code, "DUEL_TOO_LATE");
  });
  it("shares places on equal scores and puts forfeits last", () => {

    const p = placements([
      { sessionId: "a", score: 10, forfeited: false },
      { sessionId: "b", score: 10, forfeited: false },
      { sessionId: "c", score: 5, forfeited: false },
      { sessionId: "d", score: 99, forfeited: true },
    ]);
    assert.deepEqual([...p.entries()], [["a", 1], ["b", 1], ["c", 3], ["d", 4]]);
  });
});

describe("rules: round and duel outcomes", () => {
  it("scores a round from the pending answer, or none", () => {
    assert.deepEqual(roundOutcome(undefined, 10_000, 3), { verdict: "none", points: 0, streak: 0, answer: "" });
    assert.deepEqual(roundOutcome({ answer: "manana", judgement: { verdict: "almost", reason: "accent" }, elapsedMs: 0 }, 10_000, 1), {
      verdict: "almost", reason: "accent", points: 600, streak: 2, answer: "manana",
    });
  });
  it("ranks players: in play by score, forfeits last, with places and the winner", () => {
    const line = (id: string, score: number, forfeited = false) => ({ sessionId: id, name: id, score, forfeited, isBot: false });
    const { winner, ranked } = duelOutcome([line("a", 100), line("b", 900, true), line("c", 300)]);
    assert.equal(winner, "c");
    assert.deepEqual(ranked.map((r) => [r.sessionId, r.placement]), [["c", 1], ["a", 2], ["b", 3]]);
  });
});

describe("rules: review practice", () => {
  it("puts the wanted words first, most urgent first, and fills the rest at random, without repeats", () => {
    assert.deepEqual(pickForReview(pool, ["milk", "dog", "bread"], 2, seededRng(2)).map((w) => w.en[0]).sort(), ["dog", "milk"], "the first two wanted, not deck order");

    const picked = pickForReview(pool, ["dog", "milk", "unknown"], 4, seededRng(9));
    assert.equal(picked.length, 4);
    assert.deepEqual(picked.slice(0, 2).map((w) => w.en[0]).sort(), ["dog", "milk"]);
    assert.equal(new Set(picked).size, 4);
    assert.deepEqual(pickForReview(pool, [], 3, seededRng(1)).length, 3);
  });
});

describe("a closed round on the wire and in the result", () => {
  it("reveals a choice by its index and a typed answer by its text; each player's word keeps its verdict, reason and time", () => {
    assert.deepEqual(revealOf({ choices: ["el perro", "la manzana"], reveal: "la manzana", accepted: ["la manzana", "manzana"] }), { reveal: "", revealChoice: 2, alsoAccepted: ["manzana"] });
    assert.deepEqual(revealOf({ choices: [], reveal: "la manzana", accepted: ["la manzana"] }), { reveal: "la manzana", revealChoice: 0, alsoAccepted: [] });
    assert.deepEqual(roundWord({ english: "apple" }, { verdict: "almost", reason: "accent" }, { answer: "manzana", judgement: { verdict: "almost", reason: "accent" }, elapsedMs: 2100 }), { prompt: "apple", verdict: "almost", reason: "accent", ms: 2100 });
    assert.deepEqual(roundWord({ english: "apple" }, { verdict: "none" }), { prompt: "apple", verdict: "none" });
  });
});
