import { strict as assert } from "node:assert";
import { botMove, botName, botSkill } from "../../rooms/word-duel/bot.rules";
import { buildQuestion, judgeAnswer, type DuelLangs, type RuleWord } from "../../rooms/word-duel/duel.rules";
import { seededRng } from "../../loadtest/support/rng";

const word = (en: string, target: string): RuleWord => ({ en: [en], target: [target], lessonId: "es-food", level: "A1" });
const spanish: DuelLangs = { en: { lang: "en", articles: ["the", "a", "an", "to"], spellings: {} }, target: { lang: "es", articles: ["el", "la"], spellings: {} } };
const pool = [word("apple", "la manzana"), word("pear", "la pera"), word("bread", "el pan"), word("cheese", "el queso"), word("milk", "la leche")];

describe("bot opponent", () => {
  it("gets better and faster with rating, within bounds", () => {
    assert.deepEqual(botSkill(1200), { accuracy: 0.65, pace: 0.4 });
    assert.ok(botSkill(1600).accuracy > botSkill(1200).accuracy && botSkill(1600).pace < botSkill(1200).pace);
    assert.ok(botSkill(9999).accuracy <= 0.95 && botSkill(9999).pace >= 0.15);
    assert.ok(botSkill(-9999).accuracy >= 0.3 && botSkill(-9999).pace <= 0.7);
  });

  for (const mode of ["choice", "typed"] as const) {
    it(`answers ${mode} questions validly, about as often right as its accuracy, inside the round`, () => {
      const rng = seededRng(7);
      const skill = botSkill(1400);
      let right = 0;
      const n = 2000;
      for (let i = 0; i < n; i++) {
        const q = buildQuestion(pool[i % pool.length], pool, mode, "en-target", spanish, rng);
        const move = botMove(q, skill, 10_000, rng);
        assert.ok(move.delayMs >= 400 && move.delayMs <= 9000, `delay ${move.delayMs}`);
        const verdict = judgeAnswer(q, move.answer).verdict;
        assert.notEqual(verdict, "invalid", "always one of the choices");
        if (verdict === "correct") right++;
      }
      assert.ok(Math.abs(right / n - skill.accuracy) < 0.04, `right ${right / n} vs ${skill.accuracy}`);
    });
  }

  it("is named as a bot", () => {
    assert.match(botName(seededRng(1)), /\(bot\)$/);
  });
});
