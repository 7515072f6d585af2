import { strict as assert } from "node:assert";
import { Client } from "colyseus.js";
import { LinguaLeapClient, type ClassSession, type LinguaLeapError } from "../../client-sdk";
import { colyseusOf } from "../helpers/colyseus-testing";
import { startServer, type TestServer } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";
import { host, phase, player, right, wrong } from "./class-helpers";

/** The raw colyseus.js room under a session (to drop its connection, or send what the SDK would not). */
const roomOf = (s: ClassSession) => (s as unknown as { room: { connection: { close(): void }; reconnectionToken: string; send(type: string, payload?: unknown): void } }).room;

describe("class_game room: clumsy hosts, hostile players", function () {
  this.timeout(60_000);
  let t: TestServer;
  const open: ClassSession[] = [];

  before(async () => {
    t = await startServer({ CLASS_RECONNECT_SECONDS: "10", CLASS_PODIUM_MS: "2000" });
  });
  after(async () => {
    await t.close();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.leave().catch(() => undefined)));
    await colyseusOf(t).cleanup();
  });

  it("a removed player whose phone was away cannot come back with its reconnection token, and leaves the top five at once", async () => {
    const h = await host(t, { rounds: 2 });
    const ana = await player(t, h.pin, "Ana");
    const rude = await player(t, h.pin, "Rudename");
    open.push(h.host, ana.game);
    await h.host.start();
    await Promise.all([phase(rude.game, "round", 1), phase(ana.game, "round", 1)]);
    await Promise.all([rude.game.answer(right(t, rude.game)), ana.game.answer(wrong(t, ana.game))]);
    await phase(h.host, "reveal", 1);
    assert.equal(h.host.view!.top[0].name, "Rudename");
    // Rudename's phone drops (not a leave: the seat is held); the host removes them meanwhile.
    const token = roomOf(rude.game).reconnectionToken;
    const sdkGaveUp = withTimeout(new Promise<{ error?: LinguaLeapError }>((r) => rude.game.on("closed", r)), 15_000, "the SDK gives up");
    roomOf(rude.game).connection.close();
    await waitUntil(() => h.host.view!.players.find((p) => p.name === "Rudename")?.connected === false, "Rudename away");
    await h.host.remove(h.host.view!.players.find((p) => p.name === "Rudename")!.key);
    assert.deepEqual(h.host.view!.top.map((e) => e.name), ["Ana"], "the removed name is off the projector at once");
    assert.equal(ana.game.me!.rank, 1);
    const [roomId, secret] = token.split(":");
    await assert.rejects(new Client(t.ws).reconnect(`${roomId}:${secret}`));
    assert.ok((await sdkGaveUp).error, "the SDK's own reconnection ends with an error");
    await assert.rejects(rude.ll.watchClassGame(h.pin), (e: LinguaLeapError) => e.code === "CLASS_REMOVED");
  });

  it("a double click of next does not skip a round; resume after auto-advance was turned off waits for next", async () => {
    const h = await host(t, { rounds: 3, autoAdvance: true });
    const ana = await player(t, h.pin, "Ana");
    open.push(h.host, ana.game);
    await h.host.start();
    await phase(ana.game, "round", 1);
    await ana.game.answer(right(t, ana.game));
    await phase(h.host, "reveal", 1);
    await h.host.pause();
    await h.host.setAutoAdvance(false);
    await h.host.resume();
    assert.equal(h.host.view!.phase, "reveal");
    assert.equal(h.host.view!.phaseEndsAt, 0, "the reveal waits for next");
    // Two clicks of next pressed in round 1's reveal: the second is stale.
    const refused = withTimeout(new Promise<LinguaLeapError>((r) => h.host.on("error", r)), 5000, "the second next refused");
    roomOf(h.host).send("next", { round: 1 });
    roomOf(h.host).send("next", { round: 1 });
    assert.equal((await refused).code, "CLASS_NOT_NOW");
    await phase(ana.game, "round", 2);
    assert.equal(ana.game.view!.round, 2);
  });

  it("an end during a round counts the answers given, and the report counts only rounds played", async () => {
    const h = await host(t, { rounds: 5 });
    const ana = await player(t, h.pin, "Ana");
    const ben = await player(t, h.pin, "Ben");
    open.push(h.host, ana.game, ben.game);
    const report = withTimeout(new Promise<{ players: { name: string; right: number; accuracy: number }[]; words: unknown[] }>((r) => h.host.on("report", r as never)), 10_000, "report");
    await h.host.start();
    await phase(ana.game, "round", 1);
    await ana.game.answer(right(t, ana.game));
    await h.host.end();
    const got = await report;
    assert.equal(got.words.length, 1);
    const line = got.players.find((p) => p.name === "Ana")!;
    assert.equal(line.right, 1);
    assert.equal(line.accuracy, 1);
    assert.ok(ana.game.me!.xp >= 10);
  });

  it("a locked game refuses newcomers and takes its players back; the host's own account cannot join as a player", async () => {
    const h = await host(t);
    const ana = await player(t, h.pin, "Ana");
    open.push(h.host, ana.game);
    await h.host.lock(true);
    const late = new LinguaLeapClient(t.http);
    await assert.rejects(late.joinClassGame(h.pin, { name: "Late" }), (e: LinguaLeapError) => e.code === "CLASS_LOCKED");
    assert.equal(late.token, undefined, "a guest the room refused is not kept: the next try makes its own");
    const again = await new LinguaLeapClient(t.http, { token: ana.ll.token }).joinClassGame(h.pin);
    open.push(again);
    await waitUntil(() => again.me?.name === "Ana", "Ana back in a locked game");
    await assert.rejects(h.ll.joinClassGame(h.pin), (e: LinguaLeapError) => e.code === "CLASS_IS_HOST");
    assert.equal(h.host.view!.hostConnected, true, "the projector keeps its screen");
    await h.host.lock(false);
    open.push((await player(t, h.pin, "Late")).game);
  });

  it("removing the last player who had not answered during a pause closes the round on resume; the host's count drops with a removal", async () => {
    const h = await host(t, { rounds: 2, roundSeconds: 60 });
    const ana = await player(t, h.pin, "Ana");
    const ben = await player(t, h.pin, "Ben");
    const cid = await player(t, h.pin, "Cid");
    open.push(h.host, ana.game, ben.game);
    await h.host.start();
    await phase(ana.game, "round", 1);
    await Promise.all([ana.game.answer(right(t, ana.game)), cid.game.answer(right(t, cid.game))]);
    await waitUntil(() => h.host.view!.answered === 2, "two answered");
    await h.host.remove(h.host.view!.players.find((p) => p.name === "Cid")!.key);
    await waitUntil(() => h.host.view!.answered === 1, "the count without Cid");
    await h.host.pause();
    await h.host.remove(h.host.view!.players.find((p) => p.name === "Ben")!.key);
    await h.host.resume();
    await phase(ana.game, "reveal", 1, 3000);
  });
});
