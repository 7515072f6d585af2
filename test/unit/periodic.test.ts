import assert from "node:assert/strict";
import { loudOnce, Periodic, type PeriodicReport } from "../../server/Periodic";
import { waitUntil } from "../helpers/wait";


describe("Periodic (server/Periodic.ts)", () => {
  it("counts failures in a row, says when the task works again, and starts counting afresh after that", async () => {
    const outcomes = [false, false, false, true, true, false, true];
    let run = 0;
    const calls: unknown[][] = [];
    const report: PeriodicReport = {
      failed: (err, inARow) => calls.push(["failed", (err as Error).message, inARow]),
      recovered: (failures) => calls.push(["recovered", failures]),
    };
    const p = new Periodic(async () => {
      const ok = outcomes[run++] ?? true;
      if (!ok) throw new Error(`run ${run}`);
    }, report);
    p.start(2);
    try {
      await waitUntil(() => run >= outcomes.length, "every planned run", 5000, 1);
    } finally {
      await p.stop();
    }
    assert.deepEqual(calls.slice(0, 6), [
      ["failed", "run 1", 1],
      ["failed", "run 2", 2],
      ["failed", "run 3", 3],
      ["recovered", 3],
      ["failed", "run 6", 1],
      ["recovered", 1],
    ]);
  });

  it("never runs the task twice at once, and stop() waits for the run under way", async () => {
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const p = new Periodic(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      runs++;
      await gate;
      inFlight--;
    }, { failed: () => undefined });
    p.start(1);
    // A second Periodic on the same period is the clock: ten of its runs are ten periods gone by.
    let ticks = 0;
    const clock = new Periodic(async () => void ticks++, { failed: () => undefined });
    clock.start(1);
    try {
      await waitUntil(() => ticks >= 10, "ten runs of the clock", 5000, 1);
    } finally {
      await clock.stop();
    }
    assert.equal(runs, 1, "a run held over ten periods is not doubled");
    let done = false;
    const stopped = p.stop().then(() => (done = true));
    await Promise.resolve();
    assert.equal(done, false, "stop() waits for the run under way");
    release();
    await stopped;
    assert.equal(inFlight, 0);
    assert.equal(most, 1);
  });

  it("loudOnce warns at the first failure of a streak, logs the rest at debug and the recovery at info", () => {
    const lines: [string, object, string][] = [];
    const log = {
      warn: (o: object, m: string) => lines.push(["warn", o, m]),
      debug: (o: object, m: string) => lines.push(["debug", o, m]),
      info: (o: object, m: string) => lines.push(["info", o, m]),
    };
    const r = loudOnce(log as never, "x: failing", "x: back");
    r.failed(new Error("down"), 1);
    r.failed(new Error("down"), 2);
    r.recovered?.(2);
    assert.deepEqual(lines, [
      ["warn", { err: "down", inARow: 1 }, "x: failing"],
      ["debug", { err: "down", inARow: 2 }, "x: failing"],
      ["info", { failures: 2 }, "x: back"],
    ]);
  });
});
