import { strict as assert } from "node:assert";
import net from "node:net";
import { matchMaker } from "@colyseus/core";
import { LinguaLeapClient, LinguaLeapError, type DuelSession } from "../../client-sdk";
import { freePort } from "../../loadtest/support/ports";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";

/**
 * A loopback TCP front for `port` that holds every matchmaking request `delayMs` before
 * passing it on (a busy cluster's slow join); everything else, WebSockets included, flows as is.
 */
async function slowMatchmakingFront(port: number, delayMs: number): Promise<{ url: string; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    let queue = Promise.resolve();
    client.on("data", (chunk) => {
      const hold = chunk.subarray(0, 16).toString("latin1").startsWith("POST /matchmake/") ? delayMs : 0;
      queue = queue.then(() => new Promise((r) => setTimeout(r, hold))).then(() => void upstream.write(chunk));
    });
    upstream.pipe(client);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => s.destroy());
      s.on("close", () => [client, upstream].forEach((x) => x.destroy()));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => (server.close(), sockets.forEach((s) => s.destroy())),
  };
}

function once<T>(session: DuelSession, event: "result" | "reconnected" | "closed" | "reveal" | "round", ms = 10000): Promise<T> {
  return withTimeout(new Promise<T>((resolve) => { const off = session.on(event, (p: any) => { off(); resolve(p); }); }), ms, `SDK event ${event}`);
}

describe("client SDK against a real server", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(async () => {
    await t.close();
  });

  it("signs in, lists languages and lessons, and reports errors with codes", async () => {
    const ll = new LinguaLeapClient(t.http);
    await assert.rejects(ll.me(), (e: LinguaLeapError) => e.code === "AUTH_MISSING_TOKEN" && e.status === 401);
    await assert.rejects(ll.joinDuel({ lang: "es", mode: "typed" }), (e: LinguaLeapError) => e.code === "AUTH_MISSING_TOKEN");
    const user = await ll.signInAsGuest("Ana");
    assert.equal(user.name, "Ana");
    assert.equal((await ll.me()).user.id, user.id);
    assert.equal((await ll.languages()).length, 5);
    const lessons = await ll.lessons("it");
    assert.equal((await ll.lesson(lessons[0].id)).lang, "it");
    await assert.rejects(ll.lessons("xx"), (e: LinguaLeapError) => e.code === "LESSON_UNKNOWN_LANG");
    await assert.rejects(ll.joinDuel({ lang: "xx", mode: "typed" }), (e: LinguaLeapError) => e.code === "DUEL_BAD_OPTIONS");
    await assert.rejects(new LinguaLeapClient("http://127.0.0.1:1").languages(), (e: LinguaLeapError) => e.code === "NETWORK");
  });

  it("two SDK clients play a whole duel; XP and rating reach /api/me", async () => {
    const ana = new LinguaLeapClient(t.http);
    const ben = new LinguaLeapClient(t.http);
    await ana.register("ana_sdk", "long-enough-pass");
    await ben.signInAsGuest("Ben");
    const a = await ana.joinDuel({ lang: "fr", mode: "choice" });
    const b = await ben.joinDuel({ lang: "fr", mode: "choice" });
    assert.equal(a.roomId, b.roomId);
    const deck = t.decks.get("fr")!;
    a.on("round", (r) => void a.answer(answersFor(deck, r.prompt)[0]));
    b.on("round", (r) => void b.answer(r.choices.find((c) => !answersFor(deck, r.prompt).includes(c))!));
    const reveals: any[] = [];
    a.on("reveal", (r) => reveals.push(r));
    const [result] = await Promise.all([once<any>(a, "result"), once<any>(b, "result")]);
    assert.equal(result.winner, a.sessionId);
    assert.equal(reveals.length, 3);
    assert.ok(reveals.every((r) => r.results[a.sessionId].verdict === "correct" && r.results[b.sessionId].verdict === "wrong"));
    let me = await ana.me();
    await waitUntil(async () => (me = await ana.me()).duels === 1, "the result to be recorded");
    assert.equal(me.wins, 1);
    assert.equal(me.xp, 3 * 10 + 25);
    assert.ok(me.ratings.fr > 1200, "the winner's rating rose");
    const loser = await ben.me();
    assert.ok(loser.ratings.fr < 1200);
    await Promise.all([a.leave(), b.leave()]);
  });

  it("settles each answer once, in the order sent: an answer sent twice is taken once and refused once", async () => {
    const ana = new LinguaLeapClient(t.http);
    const ben = new LinguaLeapClient(t.http);
    await Promise.all([ana.signInAsGuest("Ana"), ben.signInAsGuest("Ben")]);
    const a = await ana.joinDuel({ lang: "es", mode: "choice" });
    await ben.joinDuel({ lang: "es", mode: "choice" });
    const round = await once<{ choices: string[] }>(a, "round");
    // Both in one turn: they reach the server in one read, the second before the first's patch is sent.
    const [first, second] = await Promise.allSettled([a.answer(round.choices[0]), a.answer(round.choices[1])]);
    assert.equal(first.status, "fulfilled", "the first answer is taken");
    assert.equal(second.status === "rejected" && (second.reason as LinguaLeapError).code, "DUEL_ALREADY_ANSWERED");
  });

  it("reconnects by itself after a dropped connection and finishes the duel", async () => {
    const ana = new LinguaLeapClient(t.http, { session: { backoff: { baseMs: 50, maxMs: 200 } } });
    const ben = new LinguaLeapClient(t.http);
    await ana.signInAsGuest("Ana");
    await ben.signInAsGuest("Ben");
    const a = await ana.joinDuel({ lang: "pt", mode: "typed" });
    const b = await ben.joinDuel({ lang: "pt", mode: "typed" });
    const deck = t.decks.get("pt")!;
    let dropped = false;
    const reconnected = once<{ attempts: number }>(a, "reconnected");
    a.on("round", (r) => {
      if (r.round === 2 && !dropped) {
        dropped = true;
        ((a as any).room.connection.transport as any).ws.terminate();
        return;
      }
      void a.answer(answersFor(deck, r.prompt)[0]).catch(() => undefined);
    });
    b.on("round", () => void b.answer("nada").catch(() => undefined));
    assert.ok((await reconnected).attempts >= 1);
    const result = await once<any>(b, "result", 15000);
    assert.equal(result.standings.length, 2);
    assert.ok(result.standings.every((s: any) => !s.forfeited), "nobody forfeited");
    await Promise.all([a.leave(), b.leave()]);
  });

  it("plays a private challenge: a code for a friend, unlisted for everyone else", async () => {
    const ana = new LinguaLeapClient(t.http);
    const ben = new LinguaLeapClient(t.http);
    const eve = new LinguaLeapClient(t.http);
    await Promise.all([ana.signInAsGuest("Ana"), ben.signInAsGuest("Ben"), eve.signInAsGuest("Eve")]);
    const { code, duel } = await ana.createChallenge({ lang: "it", mode: "choice" });
    assert.match(code, /^[A-HJKMNP-Z2-9]{6}$/);
    const stranger = await eve.joinDuel({ lang: "it", mode: "choice" });
    assert.notEqual(stranger.roomId, duel.roomId, "public matchmaking never lands in a challenge");
    const friend = await ben.joinChallenge(code.toLowerCase());
    assert.equal(friend.roomId, duel.roomId);
    await withTimeout(new Promise((r) => { const off = friend.on("round", () => { off(); r(undefined); }); }), 5000, "the challenge to start");
    await assert.rejects(eve.joinChallenge(code), (e: LinguaLeapError) => e.code === "CHALLENGE_NOT_FOUND", "a started challenge is closed to others");
    await assert.rejects(eve.joinChallenge("ZZZZZZ"), (e: LinguaLeapError) => e.code === "CHALLENGE_NOT_FOUND" && e.status === 404);
    await assert.rejects(eve.joinChallenge("nope"), (e: LinguaLeapError) => e.code === "BAD_REQUEST");
    await Promise.all([duel.leave(), friend.leave(), stranger.leave()]);
  });

  it("fails over past a dead first endpoint and waits out a join slower than Node's 5 s agent timeout, within its own limit", async function () {
    this.timeout(30000);
    const front = await slowMatchmakingFront(t.port, 5500);
    try {
      const ll = new LinguaLeapClient([`http://127.0.0.1:${await freePort()}`, front.url]);
      await ll.signInAsGuest("Sol");
      assert.equal(ll.endpoint, front.url, "sticks to the endpoint that answered");
      const askedAt = Date.now();
      const solo = await ll.practice({ lang: "es", mode: "choice" });
      assert.ok(Date.now() - askedAt >= 5500, "the answer really was slow");
      await solo.leave();
      const impatient = new LinguaLeapClient(front.url, { token: ll.token, timeouts: { matchmakeMs: 1000 } });
      await assert.rejects(impatient.practice({ lang: "es", mode: "choice" }), (e: LinguaLeapError) => e.code === "TIMEOUT");
    } finally {
      front.close();
    }
  });

  it("gives up with SESSION_LOST when the seat is gone", async () => {
    const ana = new LinguaLeapClient(t.http, { session: { backoff: { baseMs: 50, maxMs: 100 }, reconnectForMs: 1500 } });
    await ana.signInAsGuest("Ana");
    const solo = await ana.practice({ lang: "es", mode: "typed", lessonId: "es-numbers" });
    await withTimeout(new Promise((r) => { const off = solo.on("round", () => { off(); r(undefined); }); }), 5000, "round");
    const closed = once<{ error?: LinguaLeapError }>(solo, "closed", 8000);
    const reconnecting = withTimeout(new Promise((r) => { const off = solo.on("reconnecting", () => { off(); r(undefined); }); }), 5000, "reconnecting");
    // Cut the connection, then dispose the room on the server: there is nothing to come back to.
    const room = matchMaker.getLocalRoomById(solo.roomId);
    ((solo as any).room.connection.transport as any).ws.terminate();
    await reconnecting;
    await room.disconnect();
    const { error } = await closed;
    assert.equal(error?.code, "SESSION_LOST");
  });
});
