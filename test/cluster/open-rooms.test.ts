/**
 * server/open-rooms.ts through HealingRedisDriver, on a real Redis: a joinOrCreate reads only
 * the open rooms of its type, finds what a read of every listing finds, and the index follows
 * each listing's saves, locks and removals (and forgets what a crash left behind).
 */
import { strict as assert } from "node:assert";
import type Redis from "ioredis";
import type { IRoomCache } from "colyseus";
import { openRoomsKey } from "../../server/open-rooms";
import { HealingRedisDriver, redisOptions, ROOMS_KEY } from "../../server/redis";
import { CLUSTER_REDIS_URL, closeClusterRedis, openClusterRedis } from "../helpers/processes";

const OPEN = { locked: false, private: false, name: "word_duel" } as const;

describe("cluster: the open-rooms index (server/open-rooms.ts)", function () {
  this.timeout(20000);
  let redis: Redis;
  let driver: HealingRedisDriver;

  beforeEach(async () => {
    redis = await openClusterRedis(CLUSTER_REDIS_URL);
    driver = new HealingRedisDriver(redisOptions({ REDIS_URL: CLUSTER_REDIS_URL, REDIS_SENTINELS: [], REDIS_SENTINEL_MASTER: "" } as never));
  });

  afterEach(async () => {
    driver.client.disconnect();
    await closeClusterRedis(redis);
  });

  /** Saves a listing as the matchmaker does (createInstance, then save). */
  async function listed(values: Partial<IRoomCache> & Record<string, unknown>) {
    const room = driver.createInstance({ processId: "p1", clients: 0, maxClients: 2, ...values });
    await room.save();
    return room;
  }

  it("finds the open room of the asked kind among many locked ones, reading only the open ones", async () => {
    for (let i = 0; i < 40; i++) await listed({ roomId: `locked${i}`, name: "word_duel", locked: true, private: false, lang: "es" });
    await listed({ roomId: "private1", name: "word_duel", locked: false, private: true, lang: "es" });
    await listed({ roomId: "fr1", name: "word_duel", locked: false, private: false, lang: "fr" });
    await listed({ roomId: "es1", name: "word_duel", locked: false, private: false, lang: "es" });
    await listed({ roomId: "p1", name: "practice", locked: false, private: false, lang: "es" });
    assert.deepEqual((await redis.smembers(openRoomsKey("word_duel"))).sort(), ["es1", "fr1"]);
    const everyListing = driver.rooms.bind(driver);
    driver.rooms = () => Promise.reject(new Error("a joinOrCreate read every listing"));
    const found = await driver.findOne({ ...OPEN, lang: "es" }, {});
    driver.rooms = everyListing;
    assert.equal(found?.roomId, "es1");
    // The same answer as a read of every listing.
    const all = (await driver.rooms("word_duel")).filter((r) => !r.locked && !r.private && (r as unknown as { lang: string }).lang === "es");
    assert.deepEqual(all.map((r) => r.roomId), ["es1"]);
    assert.equal((await driver.findOne({ ...OPEN, lang: "de" }, {})) ?? undefined, undefined);
  });

  it("follows a listing locked, unlocked, made private and removed", async () => {
    const room = await listed({ roomId: "r1", ...OPEN, lang: "es" });
    assert.equal((await driver.findOne({ ...OPEN, lang: "es" }, {}))?.roomId, "r1");
    await room.updateOne({ $set: { locked: true } });
    assert.deepEqual(await redis.smembers(openRoomsKey("word_duel")), []);
    assert.equal(await driver.findOne({ ...OPEN, lang: "es" }, {}), undefined);
    await room.updateOne({ $set: { locked: false } });
    assert.equal((await driver.findOne({ ...OPEN, lang: "es" }, {}))?.roomId, "r1");
    await room.updateOne({ $set: { private: true } });
    assert.equal(await driver.findOne({ ...OPEN, lang: "es" }, {}), undefined);
    await room.updateOne({ $set: { private: false } });
    await room.remove();
    assert.equal(await redis.hget(ROOMS_KEY, "r1"), null);
    assert.deepEqual(await redis.smembers(openRoomsKey("word_duel")), []);
    assert.equal(await driver.findOne({ ...OPEN, lang: "es" }, {}), undefined);
  });

  it("skips and forgets an entry whose listing is gone, and one its listing says is locked now", async () => {
    await listed({ roomId: "alive", ...OPEN, lang: "es" });
    await redis.sadd(openRoomsKey("word_duel"), "ghost"); // a crash between two writes, or a listing deleted directly
    await redis.hset(ROOMS_KEY, "stale", JSON.stringify({ roomId: "stale", ...OPEN, locked: true, lang: "es", processId: "p1" }));
    await redis.sadd(openRoomsKey("word_duel"), "stale");
    assert.equal((await driver.findOne({ ...OPEN, lang: "es" }, {}))?.roomId, "alive");
    assert.deepEqual((await redis.smembers(openRoomsKey("word_duel"))).sort(), ["alive", "stale"], "the ghost is dropped; the locked one stays until its next save");
  });

  it("keeps the entry of a listing saved again while a lookup read it missing (a relist after another process's sweep)", async () => {
    const room = await listed({ roomId: "X", ...OPEN, lang: "es" });
    await redis.hdel(ROOMS_KEY, "X"); // another process's sweep deleted the listing, not the set's entry
    const hmget = driver.client.hmget.bind(driver.client);
    // The lookup reads the listing missing; before it drops the entry, the owner relists the room.
    driver.client.hmget = (async (...args: Parameters<typeof hmget>) => {
      const listings = await hmget(...args);
      await room.save();
      return listings;
    }) as typeof hmget;
    try {
      assert.equal(await driver.findOne({ ...OPEN, lang: "es" }, {}), undefined, "this lookup read it missing");
    } finally {
      driver.client.hmget = hmget;
    }
    assert.deepEqual(await redis.smembers(openRoomsKey("word_duel")), ["X"], "the relisted room was dropped from the set");
    assert.equal((await driver.findOne({ ...OPEN, lang: "es" }, {}))?.roomId, "X");
  });

  it("keeps the listing JSON as the driver writes it: no index fields in it", async () => {
    await listed({ roomId: "r2", ...OPEN, lang: "es" });
    const json = JSON.parse((await redis.hget(ROOMS_KEY, "r2"))!);
    assert.equal(json.roomId, "r2");
    assert.equal("hset" in json || "hdel" in json, false);
  });
});
