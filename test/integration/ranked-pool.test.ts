import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { RedisPool, type PoolMember, type PoolRef } from "../../rooms/ranked-queue/RedisPool";
import { RedisClaims } from "../../rooms/ranked-queue/claim";
import { CLUSTER_REDIS_URL, closeClusterRedis, openClusterRedis } from "../helpers/processes";

/** The ranked pool on a real Redis: what two processes' queues rely on. */
describe("ranked pool (Redis)", function () {
  this.timeout(20000);
  let redis: Redis;
  let other: Redis;
  let pool: RedisPool;
  let otherPool: RedisPool;
  let nonce = 0;

  const member = (roomId: string, sessionId: string, rating: number): PoolMember => ({
    roomId, sessionId, rating, since: 1000, identity: { userId: `u-${sessionId}`, name: sessionId, guest: true }, nonce: ++nonce,
  });
  /** Lists a learner for `roomId` (and renews that room's key) as the room would. */
  async function list(p: RedisPool, roomId: string, sessionId: string, rating: number): Promise<PoolRef> {
    const ref = { key: p.keyOf("es", "choice/en-target"), member: JSON.stringify(member(roomId, sessionId, rating)), roomId };
    await p.beat(roomId, [{ key: ref.key, rating, member: ref.member }]);
    return ref;
  }

  before(async () => {
    redis = await openClusterRedis();
    other = new Redis(CLUSTER_REDIS_URL, { maxRetriesPerRequest: 1 });
    pool = new RedisPool(redis);
    otherPool = new RedisPool(other);
  });
  beforeEach(() => redis.flushdb());
  after(async () => {
    other.disconnect();
    await closeClusterRedis(redis);
  });

  it("finds listed learners by rating window", async () => {
    await list(pool, "A", "a", 1200);
    await list(pool, "A", "b", 1500);
    await list(otherPool, "B", "c", 1250);
    const [near, wide] = await pool.find([{ key: pool.keyOf("es", "choice/en-target"), min: 1100, max: 1300 }, { key: pool.keyOf("es", "choice/en-target"), min: 0, max: 3000 }], 16);
    assert.deepEqual(near.map((f) => f.member.sessionId), ["a", "c"]);
    assert.equal(wide.length, 3);
    assert.deepEqual(near[1].member.identity, { userId: "u-c", name: "c", guest: true });
    const [other] = await pool.find([{ key: pool.keyOf("es", "typed/en-target"), min: 0, max: 3000 }], 16);
    assert.deepEqual(other, [], "another mode is another set");
  });

  it("takes a group whole or not at all, and a member only once", async () => {
    const a = await list(pool, "A", "a", 1200);
    const c = await list(otherPool, "B", "c", 1210);
    const gone = { ...a, member: JSON.stringify(member("A", "zz", 1200)) };
    assert.deepEqual(await pool.claim([[a, gone]]), [2], "the second member was not there: nothing taken");
    assert.deepEqual(await pool.listed([a, c]), [true, true]);
    assert.deepEqual(await pool.claim([[a, c], [], [c]]), [0, 0, 1], "the first group takes both; the empty group needs nothing; c is then gone");
    assert.deepEqual(await pool.listed([a, c]), [false, false]);
  });

  it("lets exactly one of many concurrent claims take the same learners", async () => {
    const a = await list(pool, "A", "a", 1200);
    const c = await list(otherPool, "B", "c", 1200);
    const d = await list(otherPool, "B", "d", 1200);
    // Two processes at once: A pairs a with c, B pairs c with d; repeated from both clients.
    const attempts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? pool.claim([[a, c]]) : otherPool.claim([[c, d]]))));
    const won = attempts.filter(([mask]) => mask === 0).length;
    assert.equal(won, 1, "c went to one pair only");
    const listed = await pool.listed([a, c, d]);
    assert.equal(listed[1], false);
    assert.equal(listed.filter(Boolean).length, 1, "the losing pair's other learner stays listed");
  });

  it("drops, and never hands out, the learners of a room that stopped beating", async () => {
    const dead = await list(otherPool, "B", "ghost", 1200);
    const mine = await list(pool, "A", "a", 1200);
    await redis.del("lingualeap:ranked-pool-room:B"); // as when its key lapses after a kill -9
    assert.deepEqual(await pool.claim([[mine, dead]]), [2]);
    assert.deepEqual(await pool.listed([mine, dead]), [true, false], "the dead room's learner is gone from the pool; ours stays");
    const [found] = await pool.find([{ key: mine.key, min: 0, max: 3000 }], 16);
    assert.deepEqual(found.map((f) => f.member.sessionId), ["a"]);
  });

  it("counts only the learners of rooms still beating, and drops the others' (a dead process's) and unreadable members", async () => {
    const dead = await list(otherPool, "B", "ghost", 1200);
    await list(pool, "A", "a", 1200);
    await list(pool, "A", "b", 1300);
    await redis.zadd(dead.key, 1250, "not json");
    const keys = [pool.keyOf("es", "choice/en-target"), pool.keyOf("es", "typed/en-target")];
    assert.equal(await pool.count(keys), 3, "B still beats: its learner counts");
    await redis.del("lingualeap:ranked-pool-room:B"); // as when its key lapses after a kill -9
    assert.equal(await pool.count(keys), 2);
    assert.deepEqual(await pool.listed([dead]), [false], "the dead room's learner left the pool");
    assert.equal(await redis.zcard(dead.key), 2, "the unreadable member went too");
  });

  it("keeps a room's key alive for a few seconds after its last beat, and forgets it when the room closes", async () => {
    await pool.beat("A", []);
    const ttl = await redis.pttl("lingualeap:ranked-pool-room:A");
    assert.ok(ttl > 2000 && ttl <= 3000, `ttl ${ttl}`);
    const a = await list(pool, "A", "a", 1200);
    await pool.remove([a]);
    await pool.forget("A");
    assert.equal(await redis.exists("lingualeap:ranked-pool-room:A"), 0);
    assert.deepEqual(await pool.listed([a]), [false]);
  });

  it("still claims after Redis forgot the script (SCRIPT FLUSH)", async () => {
    const a = await list(pool, "A", "a", 1200);
    await redis.script("FLUSH");
    assert.deepEqual(await pool.claim([[a]]), [0]);
  });

  describe("claims (one place per account, cluster-wide)", () => {
    const alive = new Set(["A", "B"]);
    const claimsOf = (client: Redis, processId: string) => new RedisClaims(client, () => processId, async (id) => alive.has(id));

    it("gives an account one place, held by its process, until released", async () => {
      const [a, b] = [claimsOf(redis, "A"), claimsOf(other, "B")];
      assert.equal(await a.take("u1"), true);
      assert.equal(await b.take("u1"), false, "another live process holds it");
      assert.equal(await a.take("u1"), false, "a second tab on the same process too");
      assert.equal(await redis.get("lingualeap:ranked-claim:u1"), "A");
      const ttl = await redis.ttl("lingualeap:ranked-claim:u1");
      assert.ok(ttl > 0 && ttl <= 6, `ttl ${ttl}`);
      await b.release("u1");
      assert.equal(await redis.get("lingualeap:ranked-claim:u1"), "A", "only the holder's release removes it");
      await a.release("u1");
      assert.equal(await b.take("u1"), true);
    });

    it("takes over at once a place held by a dead process", async () => {
      await redis.set("lingualeap:ranked-claim:u2", "Z", "EX", 6); // Z is not alive
      assert.equal(await claimsOf(redis, "A").take("u2"), true);
      assert.equal(await redis.get("lingualeap:ranked-claim:u2"), "A");
    });

    it("lets exactly one of many concurrent takes win", async () => {
      const takes = await Promise.all(Array.from({ length: 30 }, (_, i) => claimsOf(i % 2 ? redis : other, i % 2 ? "A" : "B").take("u3")));
      assert.equal(takes.filter(Boolean).length, 1);
    });

    it("renews the places of learners still waiting", async () => {
      const a = claimsOf(redis, "A");
      await a.take("u4");
      await redis.expire("lingualeap:ranked-claim:u4", 2);
      await a.renew(["u4", "nobody"]);
      assert.ok((await redis.ttl("lingualeap:ranked-claim:u4")) > 2);
      assert.equal(await redis.exists("lingualeap:ranked-claim:nobody"), 0, "renewing creates nothing");
    });
  });
});
