import { strict as assert } from "node:assert";
import { Client, type Room } from "colyseus.js";
import { matchMaker } from "colyseus";
import { LinguaLeapClient } from "../../client-sdk";
import { colyseusOf, testClient } from "../helpers/colyseus-testing";
import { answersFor, guestClient, guestToken, startServer, type TestServer } from "../helpers/server";
import { MessageLog, waitForState, waitUntil, withTimeout } from "../helpers/wait";
import { join, leaveAll, pair, rightAnswer, waitPhase, type Seat } from "./duel-helpers";
import { phaseOf } from "../../rooms/word-duel/messages";

/** POST /matchmake/watch/<roomId> as a new guest: the route's answer and the token. */
async function askToWatch(t: TestServer, roomId: string, body: unknown = {}): Promise<{ answer: any; token: string }> {
  const token = await guestToken(t.http, "Watcher");
  const res = await fetch(`${t.http}/matchmake/watch/${roomId}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { answer: await res.json(), token };
}

/** A watcher's room, joined with a real colyseus.js client through the watch route. */
async function watch(t: TestServer, roomId: string): Promise<Seat> {
  const { answer, token } = await askToWatch(t, roomId);
  assert.ok(answer.sessionId, `a watcher's seat: ${JSON.stringify(answer)}`);
  const client = new Client(t.ws);
  client.auth.token = token;
  const room: Room<any> = await client.consumeSeatReservation(answer);
  return { client: testClient(t), room, log: new MessageLog(room) };
}

const players = (room: Room<any>) => [...room.state.players.keys()] as string[];

describe("watching a duel: read-only, no seat, never the answer before the reveal", function () {
  let t: TestServer;
  let seats: Seat[] = [];

  before(async () => {
    t = await startServer({ WATCHERS_PER_ROOM: "2", DUEL_ROUNDS: "3", QUEUE_BOT_AFTER_MS: "50", QUEUE_TICK_MS: "20" });
  });
  after(async () => {
    await t.close();
  });
  afterEach(async () => {
    await leaveAll(...seats);
    seats = [];
    await colyseusOf(t).cleanup();
  });

  it("watches a started, locked, full duel: the players' state, `watching` counted, no answer before its reveal, nothing taken from it", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    await waitPhase(a, "round", 1);
    const w = await watch(t, a.room.roomId);
    seats.push(w);
    await waitForState(a.room, (s: any) => s.watching === 1, "watching: 1 on a player's screen");
    await waitForState(w.room, (s: any) => s.players?.size === 2, "the watcher's first state");
    assert.deepEqual(players(w.room).sort(), [a.room.sessionId, b.room.sessionId].sort(), "the watcher has no seat");
    const frames: { phase: string; text: string }[] = [];
    const ws = (w.room.connection.transport as any).ws;
    ws.on("message", (data: Buffer) => frames.push({ phase: phaseOf(w.room.state.phase), text: Buffer.from(data).toString("latin1") }));
    const result = w.log.next("duel_result", 20000);
    for (let round = 1; round <= 3; round++) {
      const state = await waitPhase(w, "round", round);
      const answers = answersFor(t.decks.get("es")!, state.prompt);
      const from = frames.length;
      // The watcher "answers" right: refused, and it counts for nobody.
      const refused = w.log.next("error");
      w.room.send("answer", { answer: answers[0] });
      assert.equal((await refused).code, "ROOM_WATCH_ONLY");
      assert.ok([...w.room.state.players.values()].every((p: any) => p.answeredRound < round), "nobody answered by the watcher's message");
      a.room.send("answer", { answer: rightAnswer(t, a) });
      b.room.send("answer", { answer: "zzzz" });
      const reveal = await w.log.next("round_result");
      assert.equal(reveal.answer, answers[0]);
      const revealAt = frames.findIndex((f, i) => i >= from && f.phase === "reveal");
      assert.ok(revealAt >= from, "the reveal's patch was recorded");
      for (const answer of answers) {
        // A word of one or two letters ("y") would be found in any frame's bytes: not a leak.
        if (answer.length < 3 || state.prompt.toLowerCase().includes(answer.toLowerCase())) continue;
        const needle = Buffer.from(answer, "utf8").toString("latin1");
        assert.ok(!frames.slice(from, revealAt).some((f) => f.text.includes(needle)), `"${answer}" reached the watcher before the reveal`);
      }
    }
    const final = await result;
    assert.equal(final.winner, a.room.sessionId);
    assert.equal(final.standings.length, 2, "the watcher is in nobody's standings");
  });

  it("takes no seat and never locks or unlocks: a duel with a watcher still fills and starts; its leave changes only `watching`", async () => {
    const a = await join(t, "Ana", { lang: "de", mode: "typed" });
    seats = [a];
    const w = await watch(t, a.room.roomId);
    seats.push(w);
    await waitForState(a.room, (s: any) => s.watching === 1, "watching: 1");
    const b = await join(t, "Ben", { lang: "de", mode: "typed" });
    seats.push(b);
    assert.equal(b.room.roomId, a.room.roomId, "the second learner still finds the seat");
    await waitPhase(w, "countdown");
    await w.room.leave(true);
    await waitForState(a.room, (s: any) => s.watching === 0, "watching: 0");
    assert.equal(players(a.room).length, 2);
    await waitPhase(a, "round", 1);
  });

  it("caps watchers per room (WATCHERS_PER_ROOM), refuses a practice, an unknown room, and a `watch` option sent any other way", async () => {
    const [a] = (seats = await pair(t, { lang: "fr", mode: "typed" }));
    seats.push(await watch(t, a.room.roomId), await watch(t, a.room.roomId));
    const third = await askToWatch(t, a.room.roomId);
    assert.match(third.answer.error, /^ROOM_WATCHERS_FULL: /);
    const solo = await join(t, "Sol", { lang: "es", mode: "typed" }, "practice");
    seats.push(solo);
    assert.match((await askToWatch(t, solo.room.roomId)).answer.error, /^ROOM_NOT_WATCHABLE: /);
    assert.equal((await askToWatch(t, "nosuchroom")).answer.code, 4211);
    const sneak = await join(t, "Sneak", { lang: "it", mode: "typed", watch: true });
    seats.push(sneak);
    await waitForState(sneak.room, (s: any) => s.players?.size > 0, "the seat's first state");
    assert.deepEqual(players(sneak.room), [sneak.room.sessionId], "a `watch` option through joinOrCreate is just a seat");
  });

  it("watches a party once it has started (not while it waits: its code is in the state), `watching` shown, the standings at the end", async () => {
    const [a, b, c, viewer] = await Promise.all(["A", "B", "C", "V"].map(async (n) => {
      const ll = new LinguaLeapClient(t.http);
      await ll.signInAsGuest(n);
      return ll;
    }));
    const { code, duel: host } = await a.createParty({ lang: "es", mode: "choice" });
    const second = await b.joinParty(code);
    await assert.rejects(viewer.watch(host.roomId), (e: Error & { code?: string }) => e.code === "ROOM_NOT_WATCHABLE", "a waiting party is not watched");
    const third = await c.joinParty(code);
    const sessions = [host, second, third];
    // The players answer once the watcher is in, so it sees every round and the end.
    const gate: { watching?: Awaited<ReturnType<LinguaLeapClient["watch"]>> } = {};
    for (const s of sessions) s.on("round", (r) => void waitUntil(() => gate.watching !== undefined, "the watcher in").then(() => s.answer(r.choices[0])).catch(() => undefined));
    await host.start();
    const watching = (gate.watching = await viewer.watch(host.roomId));
    const seen = withTimeout(new Promise<any>((r) => watching.on("result", r)), 20000, "the watcher's result");
    await waitUntil(() => host.view?.watching === 1 && watching.view?.watching === 1, "watching: 1 on both screens");
    assert.equal(watching.view!.players.length, 3, "the watcher sees three players, and is none of them");
    const result = await seen;
    assert.equal(result.standings.length, 3);
    assert.ok(!result.standings.some((s: any) => s.sessionId === watching.sessionId));
    await Promise.all([...sessions, watching].map((s) => s.leave().catch(() => undefined)));
  });

  it("a private duel's room id is no invitation: joining it by id without its code is refused", async () => {
    const [a, stranger] = await Promise.all(["A", "S"].map(async (n) => {
      const ll = new LinguaLeapClient(t.http);
      await ll.signInAsGuest(n);
      return ll;
    }));
    const { duel: host } = await a.createChallenge({ lang: "es", mode: "choice" });
    const client = await guestClient(t, "Stranger");
    await assert.rejects(client.joinById(host.roomId, { lang: "es", mode: "choice" }), /CHALLENGE_NOT_FOUND/);
    await assert.rejects(stranger.watch(host.roomId), (e: Error & { code?: string }) => e.code === "ROOM_NOT_WATCHABLE");
    assert.equal(host.view!.players.length, 1);
    await host.leave();
  });

  it("a reservation taken up after its room closed is refused, and the room still goes (a drain never waits for it)", async () => {
    const a = await join(t, "Ana", { lang: "it", mode: "choice" });
    seats = [a];
    // A watcher's and a player's seat, reserved while the room is open, taken up once it has closed.
    const { answer: watcherSeat, token } = await askToWatch(t, a.room.roomId);
    assert.ok(watcherSeat.sessionId, JSON.stringify(watcherSeat));
    const res = await fetch(`${t.http}/matchmake/joinById/${a.room.roomId}`, { method: "POST", headers: { authorization: `Bearer ${await guestToken(t.http, "Late")}`, "content-type": "application/json" }, body: JSON.stringify({ lang: "it", mode: "choice" }) });
    const playerSeat = await res.json();
    assert.ok(playerSeat.sessionId, JSON.stringify(playerSeat));
    const room = matchMaker.getLocalRoomById(a.room.roomId)!;
    await room.disconnect();
    const late = new Client(t.ws);
    late.auth.token = token;
    await assert.rejects(late.consumeSeatReservation(watcherSeat));
    await assert.rejects(new Client(t.ws).consumeSeatReservation(playerSeat));
    await waitUntil(() => matchMaker.getLocalRoomById(a.room.roomId) === undefined, "the closed room disposed");
  });

  it("one watcher's place per account; a last watcher's leave is counted (the process's CCU comes back down)", async () => {
    const [a] = (seats = await pair(t, { lang: "pt", mode: "typed" }));
    const token = await guestToken(t.http, "Twice");
    const ask = () => fetch(`${t.http}/matchmake/watch/${a.room.roomId}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" }).then((r) => r.json());
    const first = await ask();
    assert.ok(first.sessionId);
    assert.match((await ask()).error, /^ROOM_WATCHERS_FULL: /, "the same account twice");
    const client = new Client(t.ws);
    client.auth.token = token;
    const w = await client.consumeSeatReservation<any>(first);
    const before = matchMaker.stats.local.ccu;
    await leaveAll(...seats);
    seats = [];
    await w.leave(true);
    await waitUntil(() => matchMaker.stats.local.ccu === before - 3, `CCU down by the two players and the watcher (${matchMaker.stats.local.ccu} from ${before})`);
  });

  it("a ranked duel, which refuses every other join, takes a watcher", async () => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest("Rita");
    const search = await ll.findRankedDuel({ lang: "es", mode: "choice" });
    const duel = await withTimeout(search.duel, 10000, "the ranked duel with a bot");
    const w = await watch(t, duel.roomId);
    seats.push(w);
    await waitForState(w.room, (s: any) => s.ranked === true && s.watching === 1 && s.players?.size === 2, "the ranked duel, watched");
    await duel.leave();
  });
});

describe("watching turned off (WATCHERS_PER_ROOM=0)", function () {
  it("refuses every watch with ROOM_NOT_WATCHABLE, saying so", async () => {
    const t = await startServer({ WATCHERS_PER_ROOM: "0" });
    try {
      const a = await join(t, "Ana", { lang: "es", mode: "typed" });
      const { answer } = await askToWatch(t, a.room.roomId);
      assert.match(answer.error, /^ROOM_NOT_WATCHABLE: watching is turned off/);
      await a.room.leave(true);
    } finally {
      await t.close();
    }
  });
});
