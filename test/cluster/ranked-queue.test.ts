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

const matched = (s: RankedSearch, ms = 10000): Promise<DuelSession> => withTimeout(s.duel, ms, "a ranked duel");

describe("cluster: ranked matchmaking across processes", function () {
  this.timeout(90000);
  const dbName = freshDbName("cluster_ranked");
  let pA: ServerProcess;
  let pB: ServerProcess;
  let redis: Redis;

  async function learner(p: ServerProcess, name: string): Promise<LinguaLeapClient> {
    const ll = new LinguaLeapClient(p.http);
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

  it("pairs two learners who queued through different processes: one queue per language, cluster-wide", async () => {
    const ana = await learner(pA, "Ana");
    const ben = await learner(pB, "Ben");
    const [sa, sb] = await Promise.all([ana.findRankedDuel({ lang: "es", mode: "choice" }), ben.findRankedDuel({ lang: "es", mode: "choice" })]);
    assert.equal((await listed(redis, "ranked_queue")).size, 1, "both joined the one Spanish queue");
    const [a, b] = await Promise.all([matched(sa), matched(sb)]);
    assert.equal(a.roomId, b.roomId);
    await waitUntil(() => a.view?.players.length === 2, "both in the duel");
    assert.equal(a.view!.ranked, true);
    assert.ok((await listed(redis, "ranked_duel")).has(a.roomId), "the duel is listed for the cluster");
    await Promise.all([a.leave(), b.leave()]);
  });

  it("refuses a second search by the same account on another process", async () => {
    const cy = await learner(pA, "Cy");
    const search = await cy.findRankedDuel({ lang: "fr", mode: "typed" });
    await assert.rejects(new LinguaLeapClient(pB.http, { token: cy.token }).findRankedDuel({ lang: "de", mode: "typed" }), (e: { code?: string }) => e.code === "QUEUE_ALREADY_QUEUED");
    await search.cancel();
  });

  it("kill -9 of the process holding a queue: its learners queue again on the survivor and are paired", async () => {
    // The first learner opens the Italian queue (in choice mode: nobody here pairs with
    // them); Uma reaches the cluster through the process that does not hold the queue, as a
    // proxy would send her once the other is dead.
    const first = await learner(pA, "First");
    const opener = await first.findRankedDuel({ lang: "it", mode: "choice" });
    const [queueId, where] = [...(await listed(redis, "ranked_queue"))].find(([, address]) => address)!;
    const host = where === `127.0.0.1:${pA.port}` ? pA : pB;
    const survivor = host === pA ? pB : pA;
    const uma = await learner(survivor, "Uma");
    const su = await uma.findRankedDuel({ lang: "it", mode: "typed" });
    const requeued = withTimeout(new Promise((r) => su.on("queued", r)), 15000, "Uma queued again");
    const killedAt = Date.now();
    host.child.kill("SIGKILL");
    await requeued;
    process.stdout.write(`      (queued again ${Date.now() - killedAt} ms after the kill)\n`);
    assert.ok(!(await listed(redis, "ranked_queue")).has(queueId), "the dead process's queue is gone");
    const vic = await learner(survivor, "Vic");
    const [u, v] = await Promise.all([matched(su), vic.findRankedDuel({ lang: "it", mode: "typed" }).then((s) => matched(s))]);
    assert.equal(u.roomId, v.roomId, "paired on the survivor");
    await Promise.all([u.leave(), v.leave(), opener.cancel()]);
  });
});
