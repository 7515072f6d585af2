import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { LinguaLeapClient, type DuelSession, type RankedSearch } from "../../client-sdk";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { CLUSTER_REDIS_URL, startProcess, type ServerProcess, openClusterRedis, closeClusterRedis } from "../helpers/processes";
import { waitUntil, withTimeout } from "../helpers/wait";

/** Where the rooms named `name` are listed in Redis: their publicAddress, by roomId. */
async function listed(redis: Redis, name: string): Promise<Map<string, string>> {
  const rooms = Object.values(await redis.hgetall("roomcaches")).map((v) => JSON.parse(v) as { name: string; roomId: string; publicAddress: string });
  return new Map(rooms.filter((r) => r.name === name).map((r) => [r.roomId, r.publicAddress]));
}

/** The learners listed in the cluster-wide pool of one language and mode (RedisPool.ts). */
async function pooled(redis: Redis, lang: string, mode: string): Promise<{ roomId: string; identity: { name: string } }[]> {
  return (await redis.zrange(`lingualeap:ranked-pool:${lang}:${mode}/en-target`, 0, -1)).map((m) => JSON.parse(m));
}

const matched = (s: RankedSearch, ms = 10000): Promise<DuelSession> => withTimeout(s.duel, ms, "a ranked duel");

describe("cluster: ranked matchmaking across processes", function () {
  this.timeout(90000);
  const dbName = freshDbName("cluster_ranked");
  let pA: ServerProcess;
  let pB: ServerProcess;
  let redis: Redis;

  async function learner(p: ServerProcess | ServerProcess[], name: string): Promise<LinguaLeapClient> {
    const ll = new LinguaLeapClient(Array.isArray(p) ? p.map((x) => x.http) : p.http);
    await ll.signInAsGuest(name);
    return ll;
  }

  before(async () => {
    redis = await openClusterRedis();
    // No bots: only learners meet here.
    const env = { REDIS_URL: CLUSTER_REDIS_URL, MONGODB_URL: testMongoUrl(), MONGODB_DB: dbName, QUEUE_BOT_AFTER_MS: "0", QUEUE_TICK_MS: "50" };
    [pA, pB] = await Promise.all([startProcess(env), startProcess(env)]);
  });

  after(async () => {
    await Promise.all([pA?.stop(), pB?.stop()]);
    await closeClusterRedis(redis);
    await dropTestDb(dbName);
  });

  it("pairs two learners who queued through different processes, each in its own process's queue", async () => {
    const ana = await learner(pA, "Ana");
    const ben = await learner(pB, "Ben");
    const sa = await ana.findRankedDuel({ lang: "es", mode: "choice" });
    const sb = await ben.findRankedDuel({ lang: "es", mode: "choice" });
    const queues = [...(await listed(redis, "ranked_queue")).values()].sort();
    assert.deepEqual(queues, [`127.0.0.1:${pA.port}`, `127.0.0.1:${pB.port}`].sort(), "one Spanish queue on each process");
    const opponents = [sa, sb].map((s) => withTimeout(new Promise<{ name: string }>((r) => s.on("matched", r)), 10000, "matched"));
    const [a, b] = await Promise.all([matched(sa), matched(sb)]);
    assert.equal(a.roomId, b.roomId);
    assert.deepEqual((await Promise.all(opponents)).map((o) => o.name), ["Ben", "Ana"]);
    await waitUntil(() => a.view?.players.length === 2, "both in the duel");
    assert.equal(a.view!.ranked, true);
    assert.ok((await listed(redis, "ranked_duel")).has(a.roomId), "the duel is listed for the cluster");
    assert.deepEqual(await pooled(redis, "es", "choice"), [], "nobody is left in the pool");
    await Promise.all([a.leave(), b.leave()]);
  });

  it("pairs two learners of one process on that process", async () => {
    const [cy, dee] = await Promise.all([learner(pB, "Cy"), learner(pB, "Dee")]);
    const [sc, sd] = await Promise.all([cy.findRankedDuel({ lang: "de", mode: "choice" }), dee.findRankedDuel({ lang: "de", mode: "choice" })]);
    const [c, d] = await Promise.all([matched(sc), matched(sd)]);
    assert.equal(c.roomId, d.roomId);
    assert.equal((await listed(redis, "ranked_duel")).get(c.roomId), `127.0.0.1:${pB.port}`, "the duel is made where its learners queued");
    await Promise.all([c.leave(), d.leave()]);
  });

  it("refuses a second search by the same account on another process", async () => {
    const cy = await learner(pA, "Cy");
    const search = await cy.findRankedDuel({ lang: "fr", mode: "typed" });
    await assert.rejects(new LinguaLeapClient(pB.http, { token: cy.token }).findRankedDuel({ lang: "de", mode: "typed" }), (e: { code?: string }) => e.code === "QUEUE_ALREADY_QUEUED");
    await assert.rejects(new LinguaLeapClient(pB.http, { token: cy.token }).findRankedDuel({ lang: "fr", mode: "typed" }), (e: { code?: string }) => e.code === "QUEUE_ALREADY_QUEUED");
    await search.cancel();
  });

  it("kill -9 of a process while its learners wait: nobody is paired with them, and its learners queue again on the survivor", async () => {
    // Xan waits in A's Italian typed queue, listed in the pool; Uma waits in A's choice queue
    // and knows both processes (as a learner behind a proxy would reach the survivor).
    const xan = await learner(pA, "Xan");
    const uma = await learner([pA, pB], "Uma");
    await xan.findRankedDuel({ lang: "it", mode: "typed" });
    const su = await uma.findRankedDuel({ lang: "it", mode: "choice" });
    await waitUntil(async () => (await pooled(redis, "it", "typed")).length === 1, "Xan listed in the pool");
    // Another process's queue counts them: its own learner plus those the pool lists.
    const zed = await learner(pB, "Zed");
    const sz = await zed.findRankedDuel({ lang: "it", mode: "typed", direction: "target-en" });
    await waitUntil(() => sz.queue.waiting === 3, "B's Italian queue to count Zed, Xan and Uma", 3000);
    await sz.cancel();
    const requeued = withTimeout(new Promise((r) => su.on("queued", r)), 15000, "Uma queued again");
    const killedAt = Date.now();
    pA.child.kill("SIGKILL");

    // Yul would have met Xan: the pool still lists him (A's key has not lapsed yet), but the
    // hand-off finds nobody there, so Yul keeps waiting and Xan's listing is dropped.
    const yul = await learner(pB, "Yul");
    const sy = await yul.findRankedDuel({ lang: "it", mode: "typed" });
    let yulMatched: string | undefined;
    sy.on("matched", (o) => (yulMatched = o.name));
    await waitUntil(async () => (await pooled(redis, "it", "typed")).every((m) => m.identity.name !== "Xan"), "Xan's listing dropped", 8000);
    assert.equal(yulMatched, undefined, "Yul was not paired with the dead process's learner");
    const vic = await learner(pB, "Vic");
    const [y, v] = await Promise.all([matched(sy), vic.findRankedDuel({ lang: "it", mode: "typed" }).then((s) => matched(s))]);
    assert.equal(y.roomId, v.roomId);
    assert.equal(yulMatched, "Vic");

    await requeued;
    process.stdout.write(`      (Uma queued again ${Date.now() - killedAt} ms after the kill)\n`);
    const wes = await learner(pB, "Wes");
    const [u, w] = await Promise.all([matched(su), wes.findRankedDuel({ lang: "it", mode: "choice" }).then((s) => matched(s))]);
    assert.equal(u.roomId, w.roomId, "Uma paired on the survivor");
    await Promise.all([y.leave(), v.leave(), u.leave(), w.leave()]);
  });
});
