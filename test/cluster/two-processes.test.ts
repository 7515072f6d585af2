import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { MongoClient } from "mongodb";
import { Client } from "colyseus.js";
import { LinguaLeapClient } from "../../client-sdk";
import { freshDbName, testMongoUrl } from "../infra/mongo";
import { startProcess, type ServerProcess } from "../helpers/processes";
import { answersFor, realDecks } from "../helpers/server";
import { waitForState, withTimeout } from "../helpers/wait";

/**
 * The tests' own Redis DB index on the machine's Redis: the driver's keys are not namespaced,
 * so tests never share a DB index with another environment. TEST_REDIS_URL picks another.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/13";

describe("cluster: two processes, one Redis, one MongoDB", function () {
  this.timeout(90000);
  const dbName = freshDbName("cluster");
  let p1: ServerProcess;
  let p2: ServerProcess;
  let redis: Redis;

  before(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    await redis.flushdb();
    const env = { REDIS_URL, MONGODB_URL: testMongoUrl(), MONGODB_DB: dbName, DUEL_ROUNDS: "3" };
    [p1, p2] = await Promise.all([startProcess(env), startProcess(env)]);
  });

  after(async () => {
    await Promise.all([p1?.stop(), p2?.stop()]);
    await redis.flushdb();
    redis.disconnect();
    const mongo = await MongoClient.connect(testMongoUrl());
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it("learners joining through different processes play one duel, and the live board on either process updates", async () => {
    const watcher = await new Client(p1.http).joinOrCreate<any>("leaderboard", { board: "pt", period: "alltime" });
    await waitForState(watcher, (s: any) => s.board === "pt", "the live board");
    const live = waitForState(watcher, (s: any) => s.entries.length === 2, "the live board to show the duel", 20000);

    const ana = new LinguaLeapClient(p1.http);
    const ben = new LinguaLeapClient(p2.http);
    await ana.signInAsGuest("Ana");
    await ben.signInAsGuest("Ben");
    const a = await ana.joinDuel({ lang: "pt", mode: "typed" });
    const b = await ben.joinDuel({ lang: "pt", mode: "typed" });
    assert.equal(a.roomId, b.roomId, "paired across processes");
    const portOf = (s: typeof a) => new URL(((s as any).room.connection.transport.ws as { url: string }).url).port;
    assert.equal(portOf(a), portOf(b), "both sockets reach the one process that hosts the room");
    assert.ok([String(p1.port), String(p2.port)].includes(portOf(a)));

    const deck = realDecks().get("pt")!;
    a.on("round", (r) => void a.answer(answersFor(deck, r.prompt)[0]).catch(() => undefined));
    b.on("round", () => void b.answer("nada").catch(() => undefined));
    const result: any = await withTimeout(new Promise((r) => b.on("result", r)), 30000, "duel result");
    assert.equal(result.winner, a.sessionId);

    const state = await live;
    assert.deepEqual(state.entries.map((e: any) => e.name), ["Ana", "Ben"]);
    const me = await new LinguaLeapClient(p2.http, { token: ana.token }).me();
    assert.equal(me.xp, 3 * 10 + 25, "either process reads the shared store");
    await Promise.all([a.leave(), b.leave(), watcher.leave()]);
  });
});
