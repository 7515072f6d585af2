import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { Client } from "colyseus.js";
import { LinguaLeapClient, type DuelSession, type Mode } from "../../client-sdk";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { CLUSTER_REDIS_URL, startProcess, type ServerProcess, openClusterRedis, closeClusterRedis } from "../helpers/processes";
import { answersFor, realDecks } from "../helpers/server";
import { waitForState, waitUntil, withTimeout } from "../helpers/wait";

function portOfSession(s: unknown): string {
  return new URL(((s as any).room.connection.transport.ws as { url: string }).url).port;
}

const REDIS_URL = CLUSTER_REDIS_URL;

/**
 * Opens practices until one lands on `target` (new rooms go to the less loaded of two random
 * processes); resolves with every session opened and the one on `target`.
 */
async function practiceOn(target: ServerProcess, learner: LinguaLeapClient, lang: string, mode: Mode = "typed") {
  const sessions: DuelSession[] = [];
  for (let i = 0; i < 8; i++) {
    const s = await learner.practice({ lang, mode });
    sessions.push(s);
    if (portOfSession(s) === String(target.port)) return { sessions, onP3: s };
  }
  throw new Error("no practice landed on the target process in 8 tries");
}

describe("cluster: two processes, one Redis, one MongoDB", function () {
  this.timeout(90000);
  const dbName = freshDbName("cluster");
  let p1: ServerProcess;
  let p2: ServerProcess;
  let redis: Redis;
  /** Extra processes a test starts: stopped at the end even when the test fails half-way. */
  const stopLater: ServerProcess[] = [];

  before(async () => {
    redis = await openClusterRedis(REDIS_URL);
    const env = { REDIS_URL, MONGODB_URL: testMongoUrl(), MONGODB_DB: dbName, DUEL_ROUNDS: "3" };
    [p1, p2] = await Promise.all([startProcess(env), startProcess(env)]);
  });

  after(async () => {
    await Promise.all([p1?.stop(), p2?.stop(), ...stopLater.map((p) => p.stop())]);
    await closeClusterRedis(redis);
    await dropTestDb(dbName);
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

  it("a class game's PIN resolves on every process: phones joining through either play it, and the result counts once", async () => {
    const teacher = new LinguaLeapClient(p1.http);
    await teacher.signInAsGuest("Teacher");
    const { host, pin } = await teacher.createClassGame({ lang: "es", mode: "typed", rounds: 1 });
    const phones = await Promise.all([p1, p2, p2].map(async (p, i) => {
      const ll = new LinguaLeapClient(p.http);
      return { ll, game: await ll.joinClassGame(pin, { name: `Kid ${i}` }) };
    }));
    try {
      await waitUntil(() => host.view?.playerCount === 3, "three players on the host's screen");
      await host.start();
      await waitUntil(() => phones.every((p) => p.game.view?.phase === "round"), "round 1 on every phone");
      const deck = realDecks().get("es")!;
      await Promise.all(phones.map((p) => p.game.answer(answersFor(deck, p.game.view!.prompt)[0])));
      await waitUntil(() => phones.every((p) => p.game.view?.phase === "reveal"), "the reveal");
      await host.next();
      await waitUntil(() => phones.every((p) => (p.game.me?.xp ?? 0) > 0), "XP on every phone's podium");
      // Kept once in MongoDB: each learner's XP is what their podium showed, read through the other process.
      for (const p of phones) {
        const me = await new LinguaLeapClient(p2.http, { token: p.ll.token }).me();
        assert.equal(me.xp, p.game.me!.xp);
      }
      assert.equal(await redis.exists(`lingualeap:class-pin:${pin}`), 0, "the PIN is unlisted once the game is over");
    } finally {
      await Promise.all([host, ...phones.map((p) => p.game)].map((s) => s.leave().catch(() => undefined)));
    }
  });

  it("a process killed with SIGKILL stops being offered within about a second; its learners get SESSION_LOST; new duels form", async () => {
    const p3 = await startProcess({ REDIS_URL, MONGODB_URL: testMongoUrl(), MONGODB_DB: dbName });
    stopLater.push(p3);
    const learner = new LinguaLeapClient(p1.http, { session: { backoff: { baseMs: 100, maxMs: 300 }, reconnectForMs: 8000 } });
    await learner.signInAsGuest("Lou");
    const { sessions, onP3 } = await practiceOn(p3, learner, "fr");
    const lost = withTimeout(new Promise<any>((r) => onP3!.on("closed", r)), 15000, "the learner on the killed process to be told");
    const listedOnP3 = async () => Object.values(await redis.hgetall("roomcaches")).some((v) => JSON.parse(v).publicAddress === `127.0.0.1:${p3.port}`);
    assert.ok(await listedOnP3());
    const killedAt = Date.now();
    p3.child.kill("SIGKILL");
    await waitUntil(async () => !(await listedOnP3()), "the killed process's rooms to be removed", 5000, 20);
    const removedMs = Date.now() - killedAt;
    process.stdout.write(`      (rooms of the killed process removed after ${removedMs} ms)\n`);
    assert.ok(removedMs < 3000, `removed after ${removedMs} ms; stock Colyseus takes 4–37 s`);
    const closed = await lost;
    assert.equal(closed.error?.code, "SESSION_LOST");

    const ana = new LinguaLeapClient(p1.http);
    const ben = new LinguaLeapClient(p1.http);
    await Promise.all([ana.signInAsGuest("Ana"), ben.signInAsGuest("Ben")]);
    const formedAt = Date.now();
    const a = await withTimeout(ana.joinDuel({ lang: "it", mode: "typed" }), 5000, "a new duel on the survivors");
    const b = await withTimeout(ben.joinDuel({ lang: "it", mode: "typed" }), 5000, "the second learner");
    assert.equal(a.roomId, b.roomId);
    process.stdout.write(`      (a new duel formed ${Date.now() - formedAt} ms after asking)\n`);
    await Promise.all([a.leave(), b.leave(), ...sessions.filter((s) => s !== onP3).map((s) => s.leave())]);
  });

  it("a process that stalls past its heartbeat (SIGSTOP) is swept, then lists its rooms again when it wakes", async () => {
    const p3 = await startProcess({ REDIS_URL, MONGODB_URL: testMongoUrl(), MONGODB_DB: dbName, DUEL_ROUNDS: "3", DUEL_COUNTDOWN_MS: "3000" });
    stopLater.push(p3);
    const learner = new LinguaLeapClient(p1.http);
    await learner.signInAsGuest("Sam");
    const { sessions, onP3 } = await practiceOn(p3, learner, "de", "choice");
    const listedOnP3 = async () => Object.values(await redis.hgetall("roomcaches")).some((v) => JSON.parse(v).roomId === onP3!.roomId);
    p3.child.kill("SIGSTOP");
    await waitUntil(async () => !(await listedOnP3()), "the stalled process's rooms to be swept", 6000, 20);
    p3.child.kill("SIGCONT");
    await waitUntil(listedOnP3, "the woken process to list its rooms again", 6000, 20);
    const round = await withTimeout(new Promise<any>((r) => onP3!.on("round", r)), 10000, "the practice to go on");
    await onP3.answer(round.choices[0]);
    await Promise.all([...sessions.map((s) => s.leave()), p3.stop()]);
  });

  it("a process stopped with SIGTERM takes its rooms out of Redis; the other keeps serving", async () => {
    const boards = ["global", "es", "fr", "de", "it", "pt"];
    const watchers = await withTimeout(Promise.all(boards.map((board, i) => new Client((i % 2 ? p1 : p2).http).joinOrCreate<any>("leaderboard", { board }))), 15000, "watchers to join");
    const listed = async () => Object.values(await redis.hgetall("roomcaches")).map((v) => JSON.parse(v) as { publicAddress?: string });
    const where = (rooms: { publicAddress?: string }[]) => new Set(rooms.map((r) => r.publicAddress));
    const before = where(await listed());
    assert.ok(before.has(`127.0.0.1:${p2.port}`) || before.has(`127.0.0.1:${p1.port}`), "rooms are listed in Redis");
    await withTimeout(p2.stop(), 20000, "p2 to stop");
    assert.equal(p2.child.exitCode, 0, `p2 exited cleanly:\n${p2.output()}`);
    const after = await listed();
    assert.ok(!where(after).has(`127.0.0.1:${p2.port}`), "none of the stopped process's rooms is left in Redis");
    const res = await fetch(`${p1.http}/api/leaderboards/global`);
    assert.equal(res.status, 200);
    const again = await withTimeout(new Client(p1.http).joinOrCreate<any>("leaderboard", { board: "global" }), 15000, "a board on the surviving process");
    await waitForState(again, (s: any) => s.board === "global", "a board from the surviving process");
    // Watchers of the stopped process were closed by it; leave the others.
    await Promise.all([...watchers, again].filter((w) => w.connection.isOpen).map((w) => withTimeout(w.leave(), 5000, "leave")));
  });
});
