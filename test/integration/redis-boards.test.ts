/**
 * The Redis boards against a real Redis of the test's own: the order of every path, writes
 * that never let an older row win, rebuilds (from a source in memory) racing live writes,
 * the start-up and periodic checks, and the weekly expiry.
 */
import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { createLogger } from "../../server/logger";
import { RedisBoards, type BoardSource } from "../../server/store/RedisBoards";
import { SortedBoard } from "../../server/store/SortedBoard";
import { boardKey, weekEndsAt, type BoardRef, type BoardRow } from "../../server/boards";
import { isoWeek } from "../../server/progress.rules";
import { OwnRedis } from "../helpers/redis-server";
import { seededRng } from "../../loadtest/support/rng";

const log = createLogger({ LOG_LEVEL: "silent" });
const GLOBAL: BoardRef = { board: "global", period: "alltime" };
const RATING: BoardRef = { board: "rating-es", period: "alltime" };

/** A store of record in memory: rows by board, a generation, and a hook inside the cursor. */
class Source implements BoardSource {
  rows = new Map<string, Map<string, BoardRow>>();
  generation = "gen-1";
  duringRead?: () => Promise<void>;

  set(row: BoardRow): void {
    const board = this.rows.get(boardKey(row)) ?? new Map();
    this.rows.set(boardKey(row), board.set(row.userId, row));
  }
  async boardGeneration(): Promise<string> {
    return this.generation;
  }
  async *boardRows(refs: readonly BoardRef[], batch: number): AsyncIterable<BoardRow[]> {
    const all = refs.flatMap((ref) => [...(this.rows.get(boardKey(ref))?.values() ?? [])]);
    for (let i = 0; i < all.length; i += batch) {
      yield all.slice(i, i + batch);
      await this.duringRead?.();
    }
  }
}

const row = (ref: BoardRef, userId: string, score: number, version = 1, name = userId): BoardRow => ({ ...ref, userId, name, score, version });

describe("Redis boards (sorted sets) against a real Redis", function () {
  this.timeout(20000);
  const own = new OwnRedis();
  let redis: Redis;
  let source: Source;
  const now = Date.parse("2026-12-02T10:00:00Z");
  const boards = (owner = "p1", batch = 50) => new RedisBoards(redis, source, log, { weeklyKeepMs: 14 * 86_400_000, now: () => now, owner, batch });

  before(async () => {
    await own.start();
    redis = new Redis(own.url(3));
  });
  after(async () => {
    redis.disconnect();
    await own.stop();
  });
  beforeEach(async () => {
    await redis.flushdb();
    source = new Source();
  });

  /** Writes rows to the source and the boards, as the store's step does. */
  async function record(b: RedisBoards, rows: BoardRow[]) {
    rows.forEach((r) => source.set(r));
    await b.write(rows);
  }

  it("is not read before a board is ready, then answers top and around-me in the boards' one order, ties by userId", async () => {
    const b = boards();
    assert.equal(await b.top(GLOBAL, 10), undefined, "never checked, no marker: ask the store");
    const rng = seededRng(7);
    const memory = new SortedBoard();
    const rows = Array.from({ length: 400 }, (_, i) => row(GLOBAL, `u${String(Math.floor(rng() * 1e6)).padStart(6, "0")}-${i}`, 5 * Math.floor(rng() * 40)));
    for (let i = 0; i < rows.length; i += 40) await record(b, rows.slice(i, i + 40));
    rows.forEach((r) => memory.set(r.userId, r.name, r.score));
    assert.equal(await b.top(GLOBAL, 10), undefined, "written, but never rebuilt: not ready");
    assert.ok((await b.check()).includes(boardKey(GLOBAL)));
    assert.deepEqual(await b.top(GLOBAL, 25), memory.top(25));
    for (const r of rows.filter((_, i) => i % 37 === 0)) assert.deepEqual(await b.around(GLOBAL, r.userId, 5), memory.around(r.userId, 5), r.userId);
    assert.equal(await b.around(GLOBAL, "nobody", 5), null);
    assert.deepEqual(await b.check(), [], "nothing stale: nothing rebuilt");
  });

  it("keeps the higher XP and the newer rating whatever order the writes land in", async () => {
    const b = boards();
    await b.check();
    await b.rebuild(GLOBAL);
    await b.rebuild(RATING);
    await b.write([row(GLOBAL, "ana", 50, 2), row(RATING, "ana", 1180, 2)]);
    await b.write([row(GLOBAL, "ana", 40, 1), row(RATING, "ana", 1216, 1)]); // read before the one above, landing after
    await b.write([row(GLOBAL, "ana", 50, 2, "Ana B")]); // a replay
    assert.deepEqual(await b.top(GLOBAL, 1), [{ rank: 1, userId: "ana", name: "Ana B", score: 50 }]);
    assert.equal((await b.top(RATING, 1))![0].score, 1180);
    await b.write([row(RATING, "ana", 1150, 3)]);
    assert.equal((await b.top(RATING, 1))![0].score, 1150, "a rating goes down with a newer version");
  });

  it("rebuilds from the store of record while results land, losing none of them, and one process rebuilds at a time", async () => {
    for (let i = 0; i < 300; i++) source.set(row(GLOBAL, `s${String(i).padStart(3, "0")}`, i));
    const b = boards("p1", 50);
    const other = boards("p2", 50);
    let step = 0;
    source.duringRead = async () => {
      step += 1;
      if (step === 2) {
        await record(b, [row(GLOBAL, "s000", 1000, 2), row(GLOBAL, "late", 999, 1)]); // a result during the rebuild
        assert.equal(await other.rebuild(GLOBAL), false, "the other process finds the lock taken");
      }
    };
    await b.check();
    assert.deepEqual(await b.top(GLOBAL, 3).then((r) => r!.map((x) => [x.userId, x.score])), [["s000", 1000], ["late", 999], ["s299", 299]]);
    assert.equal(await redis.zcard(`lb:{${boardKey(GLOBAL)}}:z`), 301);
    assert.equal(await redis.exists(`lb:{${boardKey(GLOBAL)}}:building`), 0, "the lock is gone");
  });

  it("rebuilds every board after a flush at the next look, and for another database; checks the catalog's boards and the ones written", async () => {
    const b = boards();
    await record(b, [row(GLOBAL, "a", 10), row(GLOBAL, "b", 20)]);
    const old: BoardRef = { board: "es", period: "2026-W47" }; // no catalog here: known because it was written
    await record(b, [row(old, "a", 5)]);
    const first = await b.check();
    assert.ok(first.includes(boardKey(old)) && first.includes(boardKey(GLOBAL)), first.join());
    assert.deepEqual(await b.check(), [], "every marker current: nothing rebuilt");
    source.set(row(GLOBAL, "c", 30));
    await redis.flushdb();
    assert.equal(await b.top(GLOBAL, 1), undefined, "flushed: read the store");
    assert.deepEqual((await b.check()).sort(), first.sort(), "all of them again");
    assert.deepEqual((await b.top(GLOBAL, 3))!.map((r) => r.userId), ["c", "b", "a"]);
    source.generation = "gen-2"; // another database behind the same Redis
    const fresh = boards("p3");
    assert.equal(await fresh.ready(GLOBAL), false);
    await fresh.check();
    assert.ok(await fresh.ready(GLOBAL));
    const catalog = new RedisBoards(redis, source, log, { weeklyKeepMs: 14 * 86_400_000, now: () => now, owner: "p4", langs: () => ["es"] });
    const rebuilt = await catalog.check();
    assert.ok(rebuilt.includes(`es|${isoWeek(now)}`) && rebuilt.includes("rating-es|alltime"), `the catalog's boards: ${rebuilt.join(", ")}`);
  });

  it("waits before trying a board whose rebuild failed again", async () => {
    const b = boards();
    const rows = source.boardRows.bind(source);
    let reads = 0;
    source.boardRows = async function* (refs, batch) {
      reads += 1;
      throw new Error("MongoDB timed out");
      yield* rows(refs, batch);
    };
    assert.deepEqual(await b.check(), []);
    const tried = reads;
    assert.ok(tried >= 1);
    assert.deepEqual(await b.check(), [], "not tried again at once");
    assert.equal(reads, tried);
    assert.equal(await redis.exists(`lb:{${boardKey(GLOBAL)}}:building`), 0, "the lock is given back");
  });

  it("lets a weekly board expire after its week, with its marker", async () => {
    const week: BoardRef = { board: "global", period: isoWeek(now) };
    const b = boards();
    await record(b, [row(week, "a", 10)]);
    await b.check();
    const expireAt = weekEndsAt(week.period)! + 14 * 86_400_000;
    for (const key of ["z", "ready"]) {
      const at = await redis.pexpiretime(`lb:{${boardKey(week)}}:${key}`);
      assert.ok(Math.abs(at - expireAt) < 1000, `${key} expires at the week's end + 14 days`);
    }
    assert.equal(await redis.pexpiretime(`lb:{${boardKey(GLOBAL)}}:ready`), -1, "all-time boards never expire");
    const gone: BoardRef = { board: "global", period: "2026-W30" };
    await record(b, [row(gone, "a", 10)]);
    assert.equal(await redis.exists(`lb:{${boardKey(gone)}}:z`), 0, "a late result of a week past its keeping is not kept here");
    assert.equal(await b.rebuild(gone).then(() => b.check()).then((r) => r.includes(boardKey(gone))), false, "nor rebuilt by the checks");
    assert.equal(await b.top(gone, 1), undefined, "MongoDB answers for it");
  });
});
