import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { LinguaLeapClient, type DuelSession, type LinguaLeapError, type RankedSearch } from "../../client-sdk";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { CLUSTER_REDIS_URL, startProcess, type ServerProcess, openClusterRedis, closeClusterRedis } from "../helpers/processes";
import { waitUntil, withTimeout } from "../helpers/wait";

/**
 * The SDK against real processes that die: a learner learns within seconds that their duel's
 * process is gone, whichever endpoint their HTTP went to; a dead first endpoint costs a
 * learner nothing; a ranked search queues again by itself; a draining process's 503 is
 * retried elsewhere. Placement is random, so each test kills whichever process hosts the
 * room and gives its learners both orders of endpoints.
 */

/** Generous for a 2-core machine running the whole suite; the SDK takes well under a second. */
const TOLD_WITHIN_MS = 6000;

function wsPort(room: unknown): number {
  return Number(new URL(((room as any).connection.transport.ws as { url: string }).url).port);
}
const sessionPort = (s: DuelSession) => wsPort((s as any).room);
const searchPort = (s: RankedSearch) => wsPort((s as any).room);

function next<T>(subscribe: (resolve: (v: T) => void) => () => void, ms: number, what: string): Promise<T> {
  return withTimeout(new Promise<T>((resolve) => { const off = subscribe((v) => { off(); resolve(v); }); }), ms, what);
}

describe("cluster: the SDK survives a dead server process", function () {
  this.timeout(120000);
  const dbName = freshDbName("cluster_sdk");
  let redis: Redis;
  const procs: ServerProcess[] = [];
  /** Sessions and searches to leave at the end, even when a test fails half-way. */
  const open: { leave(): Promise<void> }[] = [];
  let survivor: ServerProcess;
  let dead: ServerProcess;

  const env = () => ({
    REDIS_URL: CLUSTER_REDIS_URL, MONGODB_URL: testMongoUrl(), MONGODB_DB: dbName,
    // Production's reconnection window, long rounds, no bots: nothing ends on its own mid-test.
    RECONNECT_SECONDS: "20", DUEL_CHOICE_ROUND_MS: "20000", DUEL_TYPED_ROUND_MS: "20000", QUEUE_BOT_AFTER_MS: "0", QUEUE_TICK_MS: "50",
  });
  async function start(extra: Record<string, string> = {}): Promise<ServerProcess> {
    const p = await startProcess({ ...env(), ...extra });
    procs.push(p);
    return p;
  }
  async function learner(endpoints: string[], name: string): Promise<LinguaLeapClient> {
    const ll = new LinguaLeapClient(endpoints);
    await ll.signInAsGuest(name);
    return ll;
  }

  before(async () => {
    redis = await openClusterRedis();
    await Promise.all([start(), start()]);
  });

  after(async () => {
    await Promise.all(open.map((o) => withTimeout(o.leave(), 5000, "leave").catch(() => undefined)));
    await Promise.all(procs.map((p) => p.stop()));
    await closeClusterRedis(redis);
    await dropTestDb(dbName);
  });

  it("kill -9 of a duel's process: both learners get SESSION_LOST within seconds, whether their HTTP went to it or to the survivor", async () => {
    const [p1, p2] = procs;
    const ana = await learner([p1.http, p2.http], "Ana");
    const ben = await learner([p2.http, p1.http], "Ben");
    const a = await ana.joinDuel({ lang: "es", mode: "choice" });
    const b = await ben.joinDuel({ lang: "es", mode: "choice" });
    open.push(a, b);
    assert.equal(a.roomId, b.roomId);
    await Promise.all([a, b].map((s) => waitUntil(() => s.view?.phase === "round", "the first round", 10000)));
    const host = procs.find((p) => p.port === sessionPort(a))!;
    [dead, survivor] = host === p1 ? [p1, p2] : [p2, p1];
    const onDead = host === p1 ? ana : ben;

    const told = (s: DuelSession) => next<{ error?: LinguaLeapError }>((r) => s.on("closed", r), 25000, "SESSION_LOST").then((c) => ({ code: c.error?.code, ms: Date.now() - killedAt }));
    const [toldA, toldB] = [told(a), told(b)];
    const killedAt = Date.now();
    dead.child.kill("SIGKILL");
    const [ra, rb] = await Promise.all([toldA, toldB]);
    const [viaDead, viaSurvivor] = onDead === ana ? [ra, rb] : [rb, ra];
    process.stdout.write(`      (SESSION_LOST ${viaDead.ms} ms after the kill with HTTP on the dead process, ${viaSurvivor.ms} ms with HTTP on the survivor)\n`);
    assert.deepEqual([viaDead.code, viaSurvivor.code], ["SESSION_LOST", "SESSION_LOST"]);
    assert.ok(viaDead.ms < TOLD_WITHIN_MS && viaSurvivor.ms < TOLD_WITHIN_MS, `told after ${viaDead.ms} / ${viaSurvivor.ms} ms; the reconnection window is 20 s`);
  });

  it("a learner whose first endpoint is dead signs in and joins through the next; one with only the dead endpoint is told NETWORK at once", async () => {
    const startedAt = Date.now();
    const cy = await learner([dead.http, survivor.http], "Cy");
    const duel = await withTimeout(cy.joinDuel({ lang: "fr", mode: "typed" }), 8000, "a join past the dead endpoint");
    open.push(duel);
    process.stdout.write(`      (signed in and joined ${Date.now() - startedAt} ms after asking, past the dead first endpoint)\n`);
    assert.equal(cy.endpoint, survivor.http, "sticks to the endpoint that works");
    assert.equal(sessionPort(duel), survivor.port);
    assert.ok((await cy.me()).user.id);

    const alone = new LinguaLeapClient(dead.http);
    const askedAt = Date.now();
    await assert.rejects(alone.signInAsGuest("Dee"), (e: LinguaLeapError) => e.code === "NETWORK");
    assert.ok(Date.now() - askedAt < 2000, "nobody reachable is said at once, not after retries");
  });

  it("kill -9 of a ranked queue's process: its searchers queue again by themselves, whichever endpoint they used, and are paired", async () => {
    const fresh = await start();
    const pair = [survivor, fresh];
    const eve = await learner([pair[0].http, pair[1].http], "Eve");
    const fay = await learner([pair[0].http, pair[1].http], "Fay");
    // Both reach the cluster through the same process, so they wait in its Italian queue (a
    // queue per language and process); different modes, so they wait rather than meet.
    const se = await eve.findRankedDuel({ lang: "it", mode: "choice" });
    const sf = await fay.findRankedDuel({ lang: "it", mode: "typed" });
    open.push({ leave: () => se.cancel() }, { leave: () => sf.cancel() });
    assert.equal(searchPort(se), searchPort(sf), "the queue of the process they asked");
    const host = pair.find((p) => p.port === searchPort(se))!;
    const other = host === pair[0] ? pair[1] : pair[0];

    const requeued = (s: RankedSearch) => {
      const said = next((r) => s.on("requeueing", r), 10000, "requeueing");
      return next((r) => s.on("queued", r), 20000, "queued again").then(async () => ({ said: await said, ms: Date.now() - killedAt }));
    };
    const [again, againF] = [requeued(se), requeued(sf)];
    const killedAt = Date.now();
    host.child.kill("SIGKILL");
    const [re, rf] = await Promise.all([again, againF]);
    process.stdout.write(`      (queued again ${re.ms} ms and ${rf.ms} ms after the kill)\n`);
    assert.equal(searchPort(se), other.port);
    assert.equal(searchPort(sf), other.port);
    [dead, survivor] = [host, other];

    const gus = await learner([survivor.http], "Gus");
    const sg = await gus.findRankedDuel({ lang: "it", mode: "choice" });
    const [de, dg] = await withTimeout(Promise.all([se.duel, sg.duel]), 10000, "the requeued searcher to be paired");
    open.push(de, dg);
    assert.equal(de.roomId, dg.roomId);
  });

  it("a draining process answers matchmaking 503 in the error shape: the SDK retries it on the next endpoint, and with none left says UNAVAILABLE", async () => {
    const draining = await start({ SHUTDOWN_GRACE_MS: "60000" });
    // A practice on the process keeps its drain going (running duels finish first).
    const host = await learner([draining.http], "Hal");
    let practice: DuelSession | undefined;
    for (let i = 0; i < 10 && !practice; i++) {
      const s = await host.practice({ lang: "de", mode: "choice" });
      open.push(s);
      if (sessionPort(s) === draining.port) practice = s;
    }
    assert.ok(practice, "a practice landed on the process to drain");
    await waitUntil(() => practice!.view?.phase === "round", "the practice to start", 10000);
    draining.child.kill("SIGTERM");
    await waitUntil(async () => (await fetch(`${draining.http}/readyz`).then((r) => r.status, () => 0)) === 503, "the process to drain", 10000, 50);
    const raw = await fetch(`${draining.http}/matchmake/joinOrCreate/word_duel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(raw.status, 503);
    assert.match(String(((await raw.json()) as { error: string }).error), /^UNAVAILABLE: /);

    const ivy = await learner([draining.http, survivor.http], "Ivy");
    const joined = await withTimeout(ivy.joinDuel({ lang: "pt", mode: "choice" }), 8000, "a join past the draining process");
    open.push(joined);
    assert.equal(sessionPort(joined), survivor.port);
    const stuck = new LinguaLeapClient(draining.http, { token: ivy.token, retry: { backoff: { baseMs: 100, maxMs: 200 } } });
    await assert.rejects(stuck.joinDuel({ lang: "pt", mode: "typed" }), (e: LinguaLeapError) => e.code === "UNAVAILABLE" && e.status === 503);
    await practice!.leave();
  });
});
