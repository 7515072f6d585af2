import { strict as assert } from "node:assert";
import { TimerClock } from "../../rooms/shared/TimerClock";
import { withTimeout } from "../helpers/wait";

/** The room clock on Node's timers: nothing ticks it, and its timers still fire once when due. */
describe("TimerClock (rooms/shared/TimerClock.ts)", () => {
  it("fires a timeout when due with nobody ticking the clock, then holds nothing", async () => {
    const clock = new TimerClock();
    const fired = new Promise<unknown[]>((resolve) => clock.setTimeout((...args: unknown[]) => resolve(args), 5, "a", 1));
    assert.equal(clock.pending, 1);
    assert.deepEqual(await withTimeout(fired, 2000, "the timeout"), ["a", 1]);
    assert.equal(clock.pending, 0);
  });

  it("never fires a cleared timeout, and clear() stops every timer left", async () => {
    const clock = new TimerClock();
    let fired = 0;
    clock.setTimeout(() => fired++, 1).clear();
    clock.setTimeout(() => fired++, 1);
    clock.setInterval(() => fired++, 1);
    assert.equal(clock.pending, 2);
    clock.clear();
    assert.equal(clock.pending, 0);
    // A later timer fires after every earlier one was due: the cleared ones did not.
    await withTimeout(new Promise((r) => clock.setTimeout(r, 20)), 2000, "a later timer");
    assert.equal(fired, 0);
  });

  it("repeats an interval until it is cleared", async () => {
    const clock = new TimerClock();
    let runs = 0;
    await withTimeout(
      new Promise<void>((resolve) => {
        const interval = clock.setInterval(() => {
          if (++runs === 3) {
            interval.clear();
            resolve();
          }
        }, 1);
      }),
      2000,
      "three runs",
    );
    assert.equal(runs, 3);
    assert.equal(clock.pending, 0);
  });

  it("resolves a duration on its own timer, rejects it when the clock is cleared, and refuses what a Node timer cannot do", async () => {
    const clock = new TimerClock();
    await withTimeout(clock.duration(2), 2000, "the duration");
    const cut = clock.duration(10_000);
    clock.clear();
    await assert.rejects(cut, /cleared/);
    const delayed = clock.setTimeout(() => undefined, 10_000);
    assert.throws(() => delayed.reset(), /cannot be reset/);
    assert.throws(() => delayed.resume(), /cannot be resumed/);
    delayed.clear();
    assert.equal(clock.pending, 0);
  });

  it("hands what a timer's handler throws to onError, never to the process; other timers go on", async () => {
    const errors: unknown[] = [];
    const clock = new TimerClock((err) => errors.push(err));
    clock.setTimeout(() => {
      throw new Error("boom");
    }, 1);
    const later = new Promise<void>((resolve) => clock.setTimeout(() => resolve(), 5));
    await withTimeout(later, 2000, "the next timer");
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /boom/);
    assert.equal(clock.pending, 0);
  });
});
