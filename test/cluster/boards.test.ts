/**
 * Boards and leagues in a cluster: two processes on a Redis of the test's own and one
 * MongoDB. Results through both; every process answers the same ranks from the Redis sorted
 * sets, which agree with MongoDB's; after the Redis loses everything (FLUSHALL, as a restart
 * without persistence would), the boards are rebuilt from MongoDB and answer the same again.
 */
import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { LinguaLeapClient, type LeaderboardPage } from "../../client-sdk";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { startProcess, type ServerProcess } from "../helpers/processes";
import { realDecks, type TestServer } from "../helpers/server";
import { OwnRedis } from "../helpers/redis-server";
import { waitUntil } from "../helpers/wait";
import { playOut } from "../integration/duel-helpers";
import { MongoStore } from "../../server/store/MongoStore";

const GLOBAL_Z = "lb:{global|alltime}:z";
const GLOBAL_READY = "lb:{global|alltime}:ready";
const decks = { decks: realDecks() } as TestServer;

describe("cluster: boards on Redis sorted sets, rebuilt from MongoDB", function () {
  this.timeout(120000);
  const dbName = freshDbName("boards");
  const own = new OwnRedis();
  let p1: ServerProcess;
  let p2: ServerProcess;
  let redis: Redis;
  let mongo: MongoStore;
  const learners: Record<string, LinguaLeapClient> = {};

  before(async () => {
    await own.start();
    redis = new Redis(own.url(2));
    const env = { REDIS_URL: own.url(2), MONGODB_URL: testMongoUrl(), MONGODB_DB: dbName, DUEL_ROUNDS: "3", BOARDS_CHECK_MS: "1000" };
    [p1, p2] = await Promise.all([startProcess(env), startProcess(env)]);
    mongo = await MongoStore.connect(testMongoUrl(), dbName);
  });

  after(async () => {
    await Promise.all([p1?.stop(), p2?.stop()]);
    redis?.disconnect();
    await mongo?.close();
    await own.stop();
    await dropTestDb(dbName);
  });

  /** Every process's answer for each learner's around-me on the global board, and MongoDB's own rows. */
  async function everyView() {
    const views: { top: LeaderboardPage["top"]; ranks: Record<string, number | null> }[] = [];
    for (const p of [p1, p2]) {
      const ranks: Record<string, number | null> = {};
      let top: LeaderboardPage["top"] = [];
      for (const [name, l] of Object.entries(learners)) {
        const page = await new LinguaLeapClient(p.http, { token: l.token }).leaderboard("global", { aroundMe: true, limit: 10 });
        ranks[name] = page.me!.rank;
        top = page.top;
      }
      views.push({ top, ranks });
    }
    return views;
  }

  it("ranks agree on every process and with MongoDB, read from the sorted sets", async () => {
    for (const [name, p] of [["Ana", p1], ["Ben", p2], ["Cam", p1], ["Dan", p2]] as const) {
      learners[name] = new LinguaLeapClient(p.http);
      await learners[name].signInAsGuest(name);
    }
    await playOut(decks, await learners.Ana.practice({ lang: "es", mode: "typed" })); // 15 XP, through p1
    await playOut(decks, await learners.Ben.joinDuel({ lang: "es", mode: "typed" }), await learners.Dan.joinDuel({ lang: "es", mode: "typed" })); // Ben 55, Dan 0, through p2
    for (let i = 0; i < 2; i++) await playOut(decks, await learners.Cam.practice({ lang: "es", mode: "typed" })); // 30, through p1
    const scores = async () => (await mongo.top({ board: "global", period: "alltime" }, 10)).map((r) => r.score).join();
    await waitUntil(async () => (await scores()) === "55,30,15,0", "every result in MongoDB", 30000);
    // A result's step writes MongoDB's row, then the sorted set's: wait for the set's scores
    // too, or a process reading the set can answer the moment in between.
    const redisScores = async () => (await redis.zrange(GLOBAL_Z, 0, -1, "WITHSCORES")).filter((_, i) => i % 2 === 1).map((s) => -Number(s)).join();
    await waitUntil(async () => (await redis.get(GLOBAL_READY)) !== null && (await redisScores()) === "55,30,15,0", "the Redis board ready with every result", 30000);

    const [one, two] = await everyView();
    assert.deepEqual(one, two, "both processes answer the same");
    assert.deepEqual(one.top.map((r) => [r.rank, r.name, r.score]), [[1, "Ben", 55], [2, "Cam", 30], [3, "Ana", 15], [4, "Dan", 0]]);
    assert.deepEqual(one.ranks, { Ana: 3, Ben: 1, Cam: 2, Dan: 4 });
    const fromMongo = await mongo.top({ board: "global", period: "alltime" }, 10);
    assert.deepEqual(one.top, fromMongo, "the sorted set agrees with MongoDB, ties and all");
    // A row only Redis has shows on both processes: they read the sorted set, not MongoDB.
    await redis.multi().zadd(GLOBAL_Z, -1000, "ghost").hset("lb:names", "ghost", "Ghost").exec();
    for (const p of [p1, p2]) assert.equal((await new LinguaLeapClient(p.http).leaderboard("global")).top[0].name, "Ghost", `process on ${p.port}`);
    await redis.zrem(GLOBAL_Z, "ghost");
    const league = await learners.Cam.league();
    assert.deepEqual(league.cohort?.standings.map((s) => s.name), ["Ben", "Cam", "Ana"], "the week's league, through the other process's results too");
  });

  it("after Redis loses everything, the boards are rebuilt from MongoDB and answer the same", async () => {
    const before = await everyView();
    await redis.flushall();
    const during = await everyView();
    assert.deepEqual(during, before, "MongoDB answers while the boards are rebuilt");
    await waitUntil(async () => (await redis.get(GLOBAL_READY)) !== null && (await redis.zcard(GLOBAL_Z)) === 4, "the board rebuilt after the flush", 30000);
    assert.deepEqual(await everyView(), before);
    await playOut(decks, await learners.Dan.practice({ lang: "es", mode: "typed" })); // Dan 15: ties Ana, whose userId decides
    const dan = (await learners.Dan.me()).user.id;
    await waitUntil(async () => Number(await redis.zscore(GLOBAL_Z, dan)) === -15 && (await mongo.progress(dan)).xp === 15, "Dan's new score in the sorted set and MongoDB", 30000);
    const [one, two] = await everyView();
    assert.deepEqual(one, two);
    assert.deepEqual(one.top, await mongo.top({ board: "global", period: "alltime" }, 10));
  });
});
