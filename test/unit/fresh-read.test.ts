import assert from "node:assert/strict";
import { FreshRead } from "../../server/FreshRead";

/** A read the test lets finish by hand, numbered in the order the source saw them. */
function source() {
  const reads: { n: number; finish: (ok?: boolean) => void }[] = [];
  let value = 0;
  const read = () =>
    new Promise<number>((resolve, reject) => {
      const n = reads.length + 1;
      reads.push({ n, finish: (ok = true) => (ok ? resolve(n) : reject(new Error(`read ${n} failed`))) });
    });
  return { reads, read, bump: () => ++value };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("FreshRead: one read shared, never one older than the call", () => {
  it("shares nothing that began before a caller arrived: late callers wait for the next read, and share it", async () => {
    const s = source();
    const fresh = new FreshRead(s.read);
    const first = fresh.get();
    await tick();
    assert.equal(s.reads.length, 1);
    // Arrived while read 1 was in flight: they may not take its answer.
    const second = fresh.get();
    const third = fresh.get();
    await tick();
    assert.equal(s.reads.length, 1, "one read at a time");
    s.reads[0].finish();
    assert.equal(await first, 1);
    await tick();
    assert.equal(s.reads.length, 2, "the queued read starts when the one in flight ends");
    s.reads[1].finish();
    assert.deepEqual(await Promise.all([second, third]), [2, 2]);
    // Nothing in flight: a new caller starts a read of its own, never reuses a finished one.
    const fourth = fresh.get();
    await tick();
    assert.equal(s.reads.length, 3);
    s.reads[2].finish();
    assert.equal(await fourth, 3);
  });

  it("a failed read fails only its own callers; those queued behind it get a read of their own", async () => {
    const s = source();
    const fresh = new FreshRead(s.read);
    const first = fresh.get();
    await tick();
    const second = fresh.get();
    s.reads[0].finish(false);
    await assert.rejects(first, /read 1 failed/);
    await tick();
    s.reads[1].finish();
    assert.equal(await second, 2);
  });

  it("a read that throws at once is a rejected promise, and the next call reads again", async () => {
    let n = 0;
    const fresh = new FreshRead(async () => {
      n++;
      if (n === 1) throw new Error("boom");
      return n;
    });
    await assert.rejects(fresh.get(), /boom/);
    assert.equal(await fresh.get(), 2);
  });
});
