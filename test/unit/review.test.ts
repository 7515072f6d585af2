import { strict as assert } from "node:assert";
import { Rating } from "ts-fsrs";
import { EASY_MS, dueCount, dueWords, ratingFor, review } from "../../server/review.rules";
import { reviewPrompts, emptyProgress, wordCounts } from "../../server/progress.rules";
import { wordReport } from "../../server/word-report.rules";
import type { RuleWord } from "../../rooms/word-duel/duel.rules";

const T0 = Date.parse("2026-12-01T10:00:00Z");
const DAY = 86_400_000;

describe("reviews: FSRS grades and schedules", () => {
  it("grades wrong and none again, almost hard, right good, fast and right easy", () => {
    assert.deepEqual(
      [ratingFor("wrong", 900), ratingFor("none", undefined), ratingFor("almost", 900), ratingFor("correct", EASY_MS), ratingFor("correct", EASY_MS - 1), ratingFor("correct", undefined)],
      [Rating.Again, Rating.Again, Rating.Hard, Rating.Good, Rating.Easy, Rating.Good],
    );
  });

  it("brings a missed word back soon and a known one later, further each time it is known", () => {
    const missed = review(undefined, "wrong", 5000, T0);
    const easy = review(undefined, "correct", 1000, T0);
    assert.ok(missed.due - T0 <= 10 * 60_000, `a miss is due within minutes (${missed.due - T0} ms)`);
    assert.ok(easy.due - T0 >= DAY, "an easy word is not due today");
    const again = review(easy, "correct", 1000, easy.due);
    assert.ok(again.due - easy.due > easy.due - T0, "the interval grows");
    assert.deepEqual([again.reps, again.lapses, again.last], [2, 0, easy.due]);
    const lapse = review(again, "wrong", 4000, again.due);
    assert.equal(lapse.lapses, 1);
    assert.ok(lapse.due - again.due < DAY, "a lapse comes back within a day");
    assert.deepEqual(review(undefined, "wrong", 5000, T0), missed, "the same answer at the same time schedules the same");
  });

  it("lists the due words most overdue first and counts them per language", () => {
    const cards = {
      es: { mirror: review(undefined, "wrong", 1, T0), knife: review(undefined, "wrong", 1, T0 - DAY), apple: review(undefined, "correct", 1, T0) },
      fr: { chat: review(undefined, "almost", 1, T0 - DAY) },
    };
    const now = T0 + 3_600_000;
    assert.deepEqual(dueWords(cards, now, "es").map((w) => w.key), ["knife", "mirror"]);
    assert.deepEqual(dueCount(cards, now), { total: 3, byLang: { es: 2, fr: 1 } });
    assert.deepEqual(dueCount({}, now), { total: 0, byLang: {} });
  });

  it("asks due words first in a review, then the most missed, each once", () => {
    const progress = { ...emptyProgress("u"), reviews: { es: { mirror: review(undefined, "wrong", 1, T0), spoon: review(undefined, "correct", 1, T0) } }, words: { es: { spoon: { seen: 4, missed: 3 }, mirror: { seen: 1, missed: 1 }, fork: { seen: 2, missed: 1 } }, fr: { chat: { seen: 1, missed: 1 } } } };
    assert.deepEqual(reviewPrompts(progress, "es", T0 + 3_600_000, 10), ["mirror", "spoon", "fork"]);
    assert.deepEqual(reviewPrompts(progress, "es", T0 + 3_600_000, 1), ["mirror"]);
  });
});

describe("word-difficulty report", () => {
  const w = (en: string, lessonId: string): RuleWord => ({ en: [en], target: [en.toUpperCase()], lessonId, level: "A1" });
  const words = [w("apple", "es-food"), w("pear", "es-food"), w("milk", "es-drinks")];
  const add = (...answers: { verdict: string; reason?: string; ms?: number }[]) => {
    const stat = { seen: 0, missed: 0 } as ReturnType<typeof wordCounts>;
    for (const a of answers) for (const [k, v] of Object.entries(wordCounts(a))) (stat as any)[k] = ((stat as any)[k] ?? 0) + v;
    return stat;
  };

  it("counts right, almost with why, missed and the mean time; words never asked last", () => {
    const totals = {
      apple: add({ verdict: "correct", ms: 1000 }, { verdict: "almost", reason: "article", ms: 3000 }, { verdict: "none" }),
      pear: add({ verdict: "correct", ms: 2000 }),
      gone: add({ verdict: "wrong", ms: 500 }),
    };
    const rows = wordReport(words, totals, "hardest");
    assert.deepEqual(rows.map((r) => r.prompt), ["gone", "apple", "pear", "milk"]);
    const apple = rows[1];
    assert.deepEqual([apple.seen, apple.right, apple.almost, apple.reasons, apple.missed, apple.meanMs], [3, 1, 1, { accent: 0, typo: 0, article: 1 }, 1, 2000]);
    assert.equal(apple.missRate, 2 / 3);
    assert.deepEqual([rows[0].lessonId, rows[3].seen, rows[3].missRate, rows[3].meanMs], ["", 0, null, null]);
    assert.deepEqual(wordReport(words, totals, "easiest").map((r) => r.prompt), ["pear", "apple", "gone", "milk"]);
    assert.deepEqual(wordReport(words, totals, "slowest").map((r) => r.prompt), ["apple", "pear", "gone", "milk"]);
  });
});
