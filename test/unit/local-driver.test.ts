/**
 * server/local-driver.ts: the room list without Redis finds the same room as Colyseus's own
 * LocalDriver for every lookup the matchmaker makes, on lists of every mix of rooms.
 */
import { strict as assert } from "node:assert";
import { LocalDriver, type IRoomCache, type SortOptions } from "colyseus";
import { FastLocalDriver } from "../../server/local-driver";

/** A small deterministic generator (mulberry32), so a failure replays. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** The same rooms listed in both drivers, in the same order. */
function listed(r: () => number, n: number): [LocalDriver, FastLocalDriver] {
  const drivers = [new LocalDriver(), new FastLocalDriver()] as const;
  for (let i = 0; i < n; i++) {
    const values = {
      roomId: `r${i}`, name: pick(r, ["word_duel", "practice", "ranked_queue"]), processId: pick(r, ["p1", "p2"]),
      clients: Math.floor(r() * 3), maxClients: 2, locked: r() < 0.7, private: r() < 0.1, lang: pick(r, ["es", "fr"]), mode: pick(r, ["choice", "typed"]),
    };
    for (const d of drivers) d.createInstance({ ...values }).save();
  }
  return [drivers[0], drivers[1]];
}

const idOf = (room: IRoomCache | undefined) => room?.roomId;

describe("FastLocalDriver (server/local-driver.ts)", () => {
  it("finds what Colyseus's LocalDriver finds, for joinOrCreate, joinById and sorted lookups", async () => {
    const r = rng(12);
    const sorts: (SortOptions | undefined)[] = [undefined, {}, { clients: -1 }, { clients: 1 }, { clients: "descending", createdAt: "asc" }];
    let found = 0;
    for (let list = 0; list < 40; list++) {
      const [slow, fast] = listed(r, Math.floor(r() * 60));
      for (let q = 0; q < 25; q++) {
        const conditions: Partial<IRoomCache> & Record<string, unknown> =
          r() < 0.2 ? { roomId: `r${Math.floor(r() * 70)}` } : { locked: false, name: pick(r, ["word_duel", "practice"]), private: false, lang: pick(r, ["es", "fr"]), ...(r() < 0.5 ? { mode: pick(r, ["choice", "typed"]) } : {}) };
        const sort = pick(r, sorts);
        const [a, b] = [await slow.findOne(conditions, sort), await fast.findOne(conditions, sort)];
        assert.equal(idOf(b), idOf(a), `list ${list}, ${JSON.stringify(conditions)} sorted ${JSON.stringify(sort)}`);
        if (a) found++;
      }
    }
    assert.ok(found > 100, `the lookups found rooms too, not only nothing (${found})`);
  });

  it("answers undefined when nothing matches, and sees a room removed or locked since", async () => {
    const fast = new FastLocalDriver();
    assert.equal(await fast.findOne({ locked: false, name: "word_duel" }, {}), undefined);
    const room = fast.createInstance({ roomId: "a", name: "word_duel", locked: false, private: false });
    room.save();
    assert.equal(idOf(await fast.findOne({ locked: false, name: "word_duel" }, {})), "a");
    room.updateOne({ $set: { locked: true } });
    assert.equal(await fast.findOne({ locked: false, name: "word_duel" }, {}), undefined);
    room.remove();
    assert.equal(await fast.findOne({ roomId: "a" }), undefined);
  });
});
