import { strict as assert } from "node:assert";
import { LinguaLeapClient, type ClassSession, type LinguaLeapError } from "../../client-sdk";
import { colyseusOf } from "../helpers/colyseus-testing";
import { startServer, type TestServer } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";
import { host, phase, player, right, wrong } from "./class-helpers";

describe("class_game room: a host and a class on phones", function () {
  this.timeout(120_000);
  let t: TestServer;
  const open: ClassSession[] = [];

  before(async () => {
    t = await startServer({ CLASS_RECONNECT_SECONDS: "5", CLASS_PODIUM_MS: "3000", CLASS_MAX_PLAYERS: "120" });
  });
  after(async () => {
    await t.close();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.leave().catch(() => undefined)));
    await colyseusOf(t).cleanup();
  });

  it("plays a class game of 100 players to the end: each phone sees its own line, the host all, the result is kept once", async () => {
    const h = await host(t, { rounds: 3 });
    open.push(h.host);
    const players = await Promise.all(Array.from({ length: 100 }, (_, i) => player(t, h.pin, `Kid ${i + 1}`)));
    open.push(...players.map((p) => p.game));
    await waitUntil(() => h.host.view?.playerCount === 100 && h.host.view.players.length === 100, "the host sees 100 players");
    await h.host.start();
    const frames: number[] = [];
    const last = players[99].game as unknown as { room: { connection: { transport: { ws: { addEventListener(e: string, f: (m: { data: ArrayBuffer }) => void): void } } } } };
    last.room.connection.transport.ws.addEventListener("message", (m) => frames.push(m.data.byteLength));
    for (let round = 1; round <= 3; round++) {
      await Promise.all(players.map((p) => phase(p.game, "round", round)));
      // Even kids answer right, odd ones wrong; the round closes when all have answered.
      frames.length = 0;
      await Promise.all(players.slice(0, 99).map((p, i) => p.game.answer(i % 2 === 0 ? right(t, p.game) : wrong(t, p.game))));
      assert.deepEqual(frames, [], "another phone's answer sends this phone nothing (only the host's count changes)");
      await players[99].game.answer(wrong(t, players[99].game));
      await Promise.all([phase(h.host, "reveal", round), ...players.map((p) => phase(p.game, "reveal", round))]);
      const v = h.host.view!;
      assert.equal(v.tally.correct, 50);
      assert.equal(v.tally.wrong, 50);
      assert.equal(v.tally.byChoice.reduce((a, b) => a + b, 0), 100);
      assert.equal(v.top.length, 5);
      for (const p of players) assert.equal(p.game.view!.players.length, 1, "a phone sees only its own line");
      if (round < 3) await h.host.next();
    }
    const report = withTimeout(new Promise<Parameters<Parameters<ClassSession["on"]>[1]>[0]>((r) => h.host.on("report", r as never)), 10_000, "class report");
    await h.host.next();
    await Promise.all(players.map((p) => phase(p.game, "podium")));
    const got = (await report) as unknown as { players: { name: string; right: number; accuracy: number }[]; words: { right: number; wrong: number }[] };
    assert.equal(got.players.length, 100);
    assert.equal(got.words.length, 3);
    assert.deepEqual(got.words.map((w) => [w.right, w.wrong]), [[50, 50], [50, 50], [50, 50]]);
    const best = players[0].game.me!;
    assert.equal(best.rank, 1);
    assert.ok(best.xp >= 30, `a kid with three right answers earned XP (${best.xp})`);
    assert.equal(players[1].game.me!.xp, 0);
    // Recorded once: the right-answering kid's progress has the XP the podium showed.
    await waitUntil(async () => (await t.store.progress(players[0].ll.user!.id)).xp === best.xp, "the XP in the store");
    const watcherless = h.host.view!;
    assert.equal(watcherless.pin, "", "the PIN is unlisted once the game is over");
  });

  it("keeps a dropped phone's name and score: the SDK reconnects, and a join with the same account takes the seat back", async () => {
    const h = await host(t, { rounds: 2 });
    const ana = await player(t, h.pin, "Ana");
    const ben = await player(t, h.pin, "Ben");
    open.push(h.host, ana.game, ben.game);
    await h.host.start();
    await phase(ana.game, "round", 1);
    await Promise.all([ana.game.answer(right(t, ana.game)), ben.game.answer(wrong(t, ben.game))]);
    await phase(ana.game, "reveal", 1);
    const before = ana.game.me!;
    assert.ok(before.score > 0);
    // The connection drops (a phone sleeping): not a leave.
    const back = withTimeout(new Promise((r) => ana.game.on("reconnected", r)), 10_000, "reconnected");
    (ana.game as unknown as { room: { connection: { close(): void } } }).room.connection.close();
    await waitUntil(() => h.host.view!.players.find((p) => p.name === "Ana")?.connected === false, "the host sees Ana away");
    await back;
    await waitUntil(() => ana.game.me?.connected === true, "Ana back");
    assert.equal(ana.game.me!.key, before.key);
    assert.equal(ana.game.me!.score, before.score);
    // A reload: the same account joins again on a new client; the old session is let go.
    const again = new LinguaLeapClient(t.http, { token: ana.ll.token });
    const reloaded = await again.joinClassGame(h.pin);
    open.push(reloaded);
    await waitUntil(() => reloaded.me?.score === before.score, "the same score after a reload");
    assert.equal(reloaded.me!.key, before.key);
    assert.equal(reloaded.me!.name, "Ana");
    assert.equal(h.host.view!.playerCount, 2);
  });

  it("takes a host back after a reload; a host who leaves for good ends the game with the rounds played, kept", async () => {
    const h = await host(t, { rounds: 3 });
    const ana = await player(t, h.pin, "Ana");
    open.push(ana.game);
    await h.host.start();
    await phase(ana.game, "round", 1);
    await ana.game.answer(right(t, ana.game));
    await phase(ana.game, "reveal", 1);
    // The teacher reloads the page: the same account joins the room again, as the host.
    const reloaded = await new LinguaLeapClient(t.http, { token: h.ll.token }).rejoinClassGame(h.host.roomId, "host");
    await waitUntil(() => reloaded.view?.players.length === 1 && reloaded.view.hostConnected, "the host's screen again");
    await reloaded.next();
    await phase(ana.game, "round", 2);
    // The host leaves for good: the game ends now, round 1's points kept.
    await reloaded.leave();
    await phase(ana.game, "podium");
    assert.ok(ana.game.me!.xp > 0);
    await waitUntil(async () => (await t.store.progress(ana.ll.user!.id)).xp === ana.game.me!.xp, "the XP in the store");
  });

  it("never lets the host answer, nor a player command the game", async () => {
    const h = await host(t);
    const ana = await player(t, h.pin, "Ana");
    open.push(h.host, ana.game);
    await assert.rejects(ana.game.start(), (e: LinguaLeapError) => e.code === "CLASS_HOST_ONLY");
    await h.host.start();
    await phase(h.host, "round", 1);
    assert.equal(h.host.view!.reveal, "");
    await assert.rejects(h.host.answer(right(t, ana.game)), (e: LinguaLeapError) => e.code === "CLASS_HOST_ONLY");
    await assert.rejects(h.host.start(), (e: LinguaLeapError) => e.code === "CLASS_NOT_NOW");
  });

  it("removes a player for good: disconnected with CLASS_REMOVED, and refused when they try again", async () => {
    const h = await host(t);
    const ana = await player(t, h.pin, "Ana");
    const rude = await player(t, h.pin, "Rude");
    open.push(h.host, ana.game);
    await waitUntil(() => h.host.view?.players.length === 2, "two players");
    const closed = withTimeout(new Promise<{ error?: LinguaLeapError }>((r) => rude.game.on("closed", r)), 5000, "closed");
    await h.host.remove(h.host.view!.players.find((p) => p.name === "Rude")!.key);
    assert.equal((await closed).error?.code, "CLASS_REMOVED");
    assert.equal(h.host.view!.playerCount, 1);
    await assert.rejects(rude.ll.joinClassGame(h.pin), (e: LinguaLeapError) => e.code === "CLASS_REMOVED");
  });

  it("refuses names with clear errors: profanity, bad characters, a name taken (case and accents folded)", async () => {
    const h = await host(t);
    open.push(h.host);
    const jose = await player(t, h.pin, "José");
    open.push(jose.game);
    await assert.rejects(player(t, h.pin, "fuck you"), (e: LinguaLeapError) => e.code === "CLASS_NAME_REFUSED");
    await assert.rejects(player(t, h.pin, "a"), (e: LinguaLeapError) => e.code === "CLASS_NAME_REFUSED" || e.code === "BAD_REQUEST");
    await assert.rejects(player(t, h.pin, "jose"), (e: LinguaLeapError) => e.code === "CLASS_NAME_TAKEN" && /jose/.test(e.message));
    // Said by the PIN's route, before a guest is made for a name that cannot play.
    const taken = await fetch(`${t.http}/api/class/${h.pin}/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "JOSE." }) });
    assert.equal(taken.status, 409);
    assert.equal(((await taken.json()) as { error: { code: string } }).error.code, "CLASS_NAME_TAKEN");
    await assert.rejects(player(t, "999999", "Ana"), (e: LinguaLeapError) => e.code === "CLASS_NOT_FOUND");
    const bad = await fetch(`${t.http}/api/class/12ab`);
    assert.equal(bad.status, 400);
  });

  it("pauses and resumes the clock; auto-advance moves on without the host", async () => {
    const h = await host(t, { rounds: 2, autoAdvance: true });
    const ana = await player(t, h.pin, "Ana");
    open.push(h.host, ana.game);
    await h.host.start();
    await phase(ana.game, "round", 1);
    await h.host.pause();
    assert.equal(ana.game.view!.phaseEndsAt, 0);
    assert.ok(ana.game.view!.pausedLeftMs > 0);
    await assert.rejects(ana.game.answer(right(t, ana.game)), (e: LinguaLeapError) => e.code === "DUEL_NOT_IN_ROUND");
    await h.host.resume();
    await ana.game.answer(right(t, ana.game));
    // Auto-advance: round 2 opens, then the podium, with no next from the host.
    await phase(ana.game, "round", 2);
    await ana.game.answer(right(t, ana.game));
    await phase(ana.game, "podium");
    assert.equal(ana.game.me!.rank, 1);
  });

  it("shows a watcher the question and the reveal, never a player's line nor the answer before the reveal", async () => {
    const h = await host(t, { mode: "typed", rounds: 1 });
    const ana = await player(t, h.pin, "Ana");
    open.push(h.host, ana.game);
    const viewer = new LinguaLeapClient(t.http);
    await viewer.signInAsGuest("Parent");
    const watch = await viewer.watchClassGame(h.pin);
    open.push(watch);
    await waitUntil(() => h.host.view?.watching === 1, "the host sees one watching");
    const frames: Buffer[] = [];
    const ws = (watch as unknown as { room: { connection: { transport: { ws: { addEventListener(e: string, f: (m: { data: ArrayBuffer }) => void): void } } } } }).room.connection.transport.ws;
    ws.addEventListener("message", (m) => frames.push(Buffer.from(m.data)));
    await h.host.start();
    await phase(watch, "round", 1);
    const answer = right(t, watch);
    await assert.rejects(watch.answer(answer), (e: LinguaLeapError) => e.code === "ROOM_WATCH_ONLY");
    const seenBefore = Buffer.concat(frames).toString("utf8");
    assert.ok(!seenBefore.includes(answer), "no frame before the reveal carries the answer");
    await ana.game.answer(answer);
    await phase(watch, "reveal", 1);
    assert.equal(watch.view!.players.length, 0, "a watcher sees no player's line");
    assert.equal(watch.view!.tally.correct, 1);
    assert.ok(watch.view!.reveal !== "");
    assert.equal(h.host.view!.playerCount, 1, "a watcher takes no seat");
  });
});
