import { strict as assert } from "node:assert";
import { backoffDelay } from "../../client-sdk/backoff";
import { fromRoomError, LinguaLeapError } from "../../client-sdk/errors";

describe("SDK: reconnection backoff", () => {
  const opts = { baseMs: 250, maxMs: 4000 };
  it("doubles from the base and stops at the cap", () => {
    const mid = () => 0.5;
    assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, opts, mid)), [250, 500, 1000, 2000, 4000, 4000, 4000]);
  });
  it("jitters by ±20 %", () => {
    assert.equal(backoffDelay(2, opts, () => 0), 800);
    assert.equal(backoffDelay(2, opts, () => 0.999999), 1200);
  });
});

describe("SDK: room errors", () => {
  it("reads the code out of 'CODE: message'", () => {
    const e = fromRoomError(new Error('DUEL_BAD_OPTIONS: unknown lang "xx"'));
    assert.ok(e instanceof LinguaLeapError);
    assert.equal(e.code, "DUEL_BAD_OPTIONS");
    assert.equal(e.message, 'unknown lang "xx"');
    assert.equal(fromRoomError(new Error("socket hang up")).code, "NETWORK");
  });
});
