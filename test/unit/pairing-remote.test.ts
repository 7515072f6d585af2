import { strict as assert } from "node:assert";
import { DEFAULT_POLICY, pickRemote, searchWindow, type QueueEntry } from "../../rooms/ranked-queue/pairing.rules";

const e = (id: string, rating: number, since = 0, key = "choice/en-target"): QueueEntry => ({ id, rating, key, since });

describe("ranked pairing across processes (pickRemote)", () => {
  it("looks within the learner's own accepted gap, which widens with its wait", () => {
    assert.deepEqual(searchWindow(e("a", 1200), 0, DEFAULT_POLICY), { min: 1100, max: 1300 });
    assert.deepEqual(searchWindow(e("a", 1200), 4000, DEFAULT_POLICY), { min: 900, max: 1500 });
    assert.deepEqual(searchWindow(e("a", 1200), 60_000, DEFAULT_POLICY), { min: 400, max: 2000 });
  });

  it("takes the closest rating both sides accept, with the same mode and direction", () => {
    const own = e("A/a", 1200, 0);
    const far = e("B/far", 1290, 10);
    const close = e("B/close", 1230, 10);
    const typed = e("B/typed", 1200, 10, "typed/en-target");
    assert.equal(pickRemote(own, [far, typed, close], 10, DEFAULT_POLICY, true)?.id, "B/close");
    assert.equal(pickRemote(own, [typed], 10, DEFAULT_POLICY, true), undefined, "another mode never");
  });

  it("needs the candidate to accept the gap too", () => {
    const old = e("A/old", 1200, 0);
    const fresh = e("B/fresh", 1500, 10_000);
    assert.equal(pickRemote(old, [fresh], 10_000, DEFAULT_POLICY, true), undefined, "the newcomer accepts only 100");
    assert.equal(pickRemote(old, [fresh], 14_000, DEFAULT_POLICY, true)?.id, "B/fresh");
  });

  it("leaves a longer waiter to its own process when both are listed, so two processes never reach for each other", () => {
    const a = e("A/a", 1200, 100);
    const b = e("B/b", 1210, 50);
    assert.equal(pickRemote(a, [b], 200, DEFAULT_POLICY, true), undefined, "b waited longer: b's process makes the pair");
    assert.equal(pickRemote(b, [a], 200, DEFAULT_POLICY, true)?.id, "A/a");
    // The same wait: the smaller id chooses, on both sides alike.
    const [x, y] = [e("A/x", 1200, 100), e("B/y", 1200, 100)];
    assert.equal(pickRemote(x, [y], 100, DEFAULT_POLICY, true)?.id, "B/y");
    assert.equal(pickRemote(y, [x], 100, DEFAULT_POLICY, true), undefined);
  });

  it("lets a learner nobody else can see yet take anyone who fits", () => {
    const fresh = e("A/new", 1200, 500);
    const waiting = e("B/old", 1200, 0);
    assert.equal(pickRemote(fresh, [waiting], 500, DEFAULT_POLICY, false)?.id, "B/old");
  });

  it("never picks the learner itself", () => {
    const a = e("A/a", 1200);
    assert.equal(pickRemote(a, [a], 0, DEFAULT_POLICY, false), undefined);
  });
});
