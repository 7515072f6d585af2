import { strict as assert } from "node:assert";
import { RateLimiter } from "../../rooms/shared/rate-limit.rules";

describe("rate limit (token bucket)", () => {
  const opts = { perSecond: 5, burst: 10, disconnectAfter: 3 };
  it("allows a burst, then drops, then asks to disconnect a flood", () => {
    const l = new RateLimiter(opts, 0);
    const got = Array.from({ length: 13 }, () => l.take(0));
    assert.deepEqual(got.slice(0, 10), Array(10).fill("allow"));
    assert.deepEqual(got.slice(10), ["drop", "drop", "disconnect"]);
    assert.equal(l.droppedCount, 3);
  });
  it("refills at the sustained rate", () => {
    const l = new RateLimiter(opts, 0);
    for (let i = 0; i < 10; i++) l.take(0);
    assert.equal(l.take(0), "drop");
    assert.equal(l.take(200), "allow"); // 0.2 s × 5/s = one message
    assert.equal(l.take(200), "drop");
  });
  it("forgives a client that calmed down: a later flood starts its count again", () => {
    const l = new RateLimiter(opts, 0);
    for (let i = 0; i < 10; i++) l.take(0);
    assert.equal(l.take(0), "drop");
    assert.equal(l.take(0), "drop");
    assert.equal(l.droppedInBurst, 2);
    assert.equal(l.take(5000), "allow"); // bucket full again
    assert.equal(l.droppedInBurst, 0);
    for (let i = 0; i < 9; i++) l.take(5000);
    assert.equal(l.take(5000), "drop");
    assert.equal(l.droppedInBurst, 1);
  });
});
