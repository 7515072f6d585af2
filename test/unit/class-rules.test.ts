import { strict as assert } from "node:assert";
import { PIN_LENGTH, checkName, classPin, isPin, isProfane } from "../../rooms/class-game/class.rules";
import { classReport, reportCsv, tallyRound, topPlayers } from "../../rooms/class-game/report.rules";
import { seededRng } from "../../loadtest/support/rng";

describe("class games: PINs and names", () => {
  it("makes six-digit PINs that never start with 0, spread over the range", () => {
    const rng = seededRng(5);
    const pins = Array.from({ length: 2000 }, () => classPin(rng));
    for (const pin of pins) assert.ok(isPin(pin) && pin.length === PIN_LENGTH, pin);
    assert.ok(new Set(pins).size > 1990, "few repeats in 2,000");
    assert.equal(classPin(() => 0), "100000");
    assert.equal(classPin(() => 0.99999), "999999");
    for (const bad of ["012345", "12345", "1234567", "12a456", " 123456", ""]) assert.equal(isPin(bad), false, bad);
  });

  it("takes a tidy name and says why it refuses one", () => {
    assert.deepEqual(checkName("  Ana   María ", []), { ok: true, name: "Ana María" });
    assert.deepEqual(checkName("O'Neil-2", []), { ok: true, name: "O'Neil-2" });
    const refused = (raw: string, taken: string[] = []) => {
      const r = checkName(raw, taken);
      return r.ok ? "ok" : r.reason;
    };
    assert.equal(refused("A"), "length");
    assert.equal(refused("x".repeat(21)), "length");
    assert.equal(refused("😀😀😀"), "characters");
    assert.equal(refused("<script>"), "characters");
    assert.equal(refused("-Ana"), "characters");
    assert.equal(refused("fuck"), "profane");
    assert.equal(refused("Sh1thead"), "profane");
    assert.equal(refused("josé", ["Jose"]), "taken");
    assert.equal(refused("ANA", ["ana"]), "taken");
    assert.equal(refused("Scunthorpe"), "ok", "a place name is not a swear word");
    assert.equal(isProfane("Richard"), false);
  });
});

describe("class games: rounds, standings and the teacher's report", () => {
  it("tallies a round per option and per verdict", () => {
    const tally = tallyRound([{ verdict: "correct", choice: 2 }, { verdict: "wrong", choice: 1 }, { verdict: "wrong", choice: 1 }, { verdict: "none" }, { verdict: "correct", choice: 9 }], 4);
    assert.deepEqual(tally, { answered: 4, byChoice: [2, 1, 0, 0], correct: 2, almost: 0, wrong: 2, none: 1 });
    assert.deepEqual(tallyRound([{ verdict: "almost" }], 0), { answered: 1, byChoice: [], correct: 0, almost: 1, wrong: 0, none: 0 });
  });

  it("ranks the top five by score, then name, the same way every time", () => {
    const players = [5, 9, 9, 1, 7, 3, 8].map((score, i) => ({ id: `p${i}`, name: `n${6 - i}`, score }));
    assert.deepEqual(topPlayers(players).map((p) => p.score), [9, 9, 8, 7, 5]);
    assert.deepEqual(topPlayers(players, 2).map((p) => p.name), ["n4", "n5"]);
  });

  it("reports each player's accuracy and each word's answers, and writes a CSV a spreadsheet cannot run", () => {
    const report = classReport(
      [
        { name: "Ana", score: 1800, words: [{ prompt: "apple", verdict: "correct" }, { prompt: "pear", verdict: "almost" }] },
        { name: "=HYPERLINK(\"x\")", score: 200, words: [{ prompt: "apple", verdict: "wrong" }, { prompt: "pear", verdict: "none" }] },
      ],
      ["apple", "pear"],
    );
    assert.deepEqual(report.players[0], { name: "Ana", score: 1800, right: 1, almost: 1, answered: 2, accuracy: 0.75 });
    assert.deepEqual(report.words, [{ prompt: "apple", right: 1, almost: 0, wrong: 1, none: 0 }, { prompt: "pear", right: 0, almost: 1, wrong: 0, none: 1 }]);
    const csv = reportCsv(report).split("\r\n");
    assert.equal(csv[0], "player,score,right,almost,answered,accuracy");
    assert.equal(csv[1], "Ana,1800,1,1,2,75%");
    assert.equal(csv[2], `"'=HYPERLINK(""x"")",200,0,0,1,0%`);
    assert.deepEqual(csv.slice(3), ["", "word,right,almost,wrong,no answer", "apple,1,0,1,0", "pear,0,1,0,1", ""]);
    // The class_report message's lines carry the XP each earned: a column of its own.
    const withXp = reportCsv({ ...report, players: report.players.map((p, i) => ({ ...p, xp: [45, 0][i] })) }).split("\r\n");
    assert.equal(withXp[0], "player,score,right,almost,answered,accuracy,xp");
    assert.equal(withXp[1], "Ana,1800,1,1,2,75%,45");
  });
});

describe("class games: names a hostile player might try", () => {
  const refused = (name: string, taken: string[] = []) => {
    const checked = checkName(name, taken);
    return checked.ok ? "" : checked.reason;
  };
  it("refuses invisible names, stacked accents and look-alike alphabets mixed", () => {
    assert.equal(refused("\u3164\u3164"), "characters");
    assert.equal(refused("\u115f\u1160"), "characters");
    assert.equal(refused("A" + "\u0301".repeat(19)), "characters");
    assert.equal(refused("\u0410na"), "characters", "a Cyrillic А in a Latin name");
    assert.equal(refused("Zoë"), "", "one accent is fine");
    assert.equal(refused("Дмитрий"), "", "a whole Cyrillic name is fine");
  });
  it("takes names differing only in width, spaces or dots as one", () => {
    assert.equal(refused("\uff21\uff4e\uff41", ["Ana"]), "taken");
    assert.equal(refused("A na", ["Ana"]), "taken");
    assert.equal(refused("Ana.", ["Ana"]), "taken");
    assert.equal(refused("Ana B", ["Ana"]), "");
  });
  it("checks letters spelled out one by one against the filter", () => {
    assert.equal(refused("f.u.c.k"), "profane");
    assert.equal(refused("f u c k"), "profane");
    assert.equal(refused("J. R. R."), "");
  });
});
