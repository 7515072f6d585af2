import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { LinguaLeapClient, type DuelSession } from "../../client-sdk";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { CLUSTER_REDIS_URL, startProcess, type ServerProcess, openClusterRedis, closeClusterRedis } from "../helpers/processes";
import { waitUntil, withTimeout } from "../helpers/wait";

/** The port of the process whose socket a session holds (the room's own process). */
function portOf(s: unknown): number {
  const session = (s as any).duel ?? s; // a WatchSession holds a DuelSession
  return Number(new URL(session.room.connection.transport.ws.url).port);
}

describe("cluster: watching a room that lives on the other process", function () {
  this.timeout(90000);
  const dbName = freshDbName("cluster-watch");
  let p1: ServerProcess;
  let p2: ServerProcess;
  let redis: Redis;

  before(async () => {
    redis = await openClusterRedis(CLUSTER_REDIS_URL);
    const env = { REDIS_URL: CLUSTER_REDIS_URL, MONGODB_URL: testMongoUrl(), MONGODB_DB: dbName, DUEL_ROUNDS: "2" };
    [p1, p2] = await Promise.all([startProcess(env), startProcess(env)]);
  });
  after(async () => {
    await Promise.all([p1?.stop(), p2?.stop()]);
    await closeClusterRedis(redis);
    await dropTestDb(dbName);
  });

  it("a watch asked of the process without the room reserves over Redis, takes no seat, and follows a party to its standings", async () => {
    const learners = await Promise.all([p1, p2, p1].map(async (p, i) => {
      const ll = new LinguaLeapClient(p.http);
      await ll.signInAsGuest(`Friend${i + 1}`);
      return ll;
    }));
    const { code, duel: host } = await learners[0].createParty({ lang: "es", mode: "choice" });
    const sessions: DuelSession[] = [host, await learners[1].joinParty(code), await learners[2].joinParty(code)];
    await waitUntil(() => host.view?.players.length === 3, "three in the party");
    const home = portOf(host);
    const away = [p1, p2].find((p) => p.port !== home)!;
    const viewer = new LinguaLeapClient(away.http);
    await viewer.signInAsGuest("Viewer");
    // A party is watched once it has started (while it waits, its code is in the state); the
    // players answer once the watcher is in, so it follows every round.
    const gate: { watching?: Awaited<ReturnType<LinguaLeapClient["watch"]>> } = {};
    for (const s of sessions) s.on("round", (r) => void waitUntil(() => gate.watching !== undefined, "the watcher in", 10000).then(() => s.answer(r.choices[0])).catch(() => undefined));
    await host.start();
    const watch = (gate.watching = await viewer.watch(host.roomId));
    const seen = withTimeout(new Promise<any>((r) => watch.on("result", r)), 30000, "the watcher's result");
    assert.equal(portOf(watch), home, "the watcher's socket reaches the room's own process");
    await waitUntil(() => host.view?.watching === 1 && watch.view?.watching === 1, "watching: 1 on both sides");
    assert.equal(watch.view!.players.length, 3, "no seat taken");
    const result = await seen;
    assert.equal(result.standings.length, 3);
    await Promise.all([...sessions, watch].map((s) => s.leave().catch(() => undefined)));
  });
});
