import { strict as assert } from "node:assert";
import { acceptableGap, DEFAULT_POLICY, pairUp, type QueueEntry } from "../../rooms/ranked-queue/pairing.rules";

const e = (id: string, rating: number, since = 0, key = "choice/en-target"): QueueEntry => ({ id, rating, key, since });
const ids = (pairs: [QueueEntry, QueueEntry][]) => pairs.map(([a, b]) => [a.id, b.id].sort().join("+")).sort();

describe("ranked pairing", () => {
  it("widens the acceptable gap with waiting time, up to the cap", () => {
    assert.equal(acceptableGap(0, DEFAULT_POLICY), 100);
    assert.equal(acceptableGap(4000, DEFAULT_POLICY), 300);
    assert.equal(acceptableGap(60_000, DEFAULT_POLICY), 800);
    assert.equal(acceptableGap(-5, DEFAULT_POLICY), 100, "a clock a little behind does not narrow it");
  });

  it("pairs close ratings at once and far ones only after waiting", () => {
    const a = e("a", 1200);
    const b = e("b", 1500);
    assert.deepEqual(pairUp([a, b], 0, DEFAULT_POLICY).pairs, [], "300 apart: not at once");
    assert.deepEqual(pairUp([a, b], 3999, DEFAULT_POLICY).pairs, []);
    assert.deepEqual(ids(pairUp([a, b], 4000, DEFAULT_POLICY).pairs), ["a+b"], "after 4 s both accept 300");
  });

  it("needs both sides to accept the gap: a newcomer does not take a far opponent", () => {
    const old = e("old", 1200, 0);
    const fresh = e("fresh", 1500, 10_000);
    assert.deepEqual(pairUp([old, fresh], 10_000, DEFAULT_POLICY).pairs, [], "the newcomer accepts only 100");
    assert.equal(pairUp([old, fresh], 14_000, DEFAULT_POLICY).pairs.length, 1);
  });

  it("lets the longest waiter choose the closest rating", () => {
    const first = e("first", 1200, 0);
    const near = e("near", 1230, 500);
    const nearer = e("nearer", 1210, 900);
    const far = e("far", 1290, 100);
    assert.deepEqual(ids(pairUp([near, far, nearer, first], 1000, DEFAULT_POLICY).pairs), ["far+near", "first+nearer"]);
  });

  it("never pairs different modes or directions", () => {
    const out = pairUp([e("a", 1200, 0, "choice/en-target"), e("b", 1200, 0, "typed/en-target"), e("c", 1200, 0, "choice/target-en")], 1000, DEFAULT_POLICY);
    assert.deepEqual(out.pairs, []);
  });

  it("gives a bot to whoever waited past botAfterMs with nobody to fit, and never with bots off", () => {
    const lonely = e("lonely", 1200, 0);
    const other = e("other", 2400, 7000, "choice/en-target");
    assert.deepEqual(pairUp([lonely, other], 7999, DEFAULT_POLICY).bots, []);
    assert.deepEqual(pairUp([lonely, other], 8000, DEFAULT_POLICY).bots.map((x) => x.id), ["lonely"]);
    assert.deepEqual(pairUp([lonely], 60_000, { ...DEFAULT_POLICY, botAfterMs: 0 }).bots, []);
  });

  it("puts each learner in at most one pair or bot duel", () => {
    const many = Array.from({ length: 41 }, (_, i) => e(`p${i}`, 1000 + ((i * 37) % 400), i * 100));
    const { pairs, bots } = pairUp(many, 20_000, DEFAULT_POLICY);
    const seen = [...pairs.flat(), ...bots].map((x) => x.id);
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(pairs.length, 20);
    assert.equal(bots.length, 1, "the odd one out waited long enough for a bot");
  });
});
