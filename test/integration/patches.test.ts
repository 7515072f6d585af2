/**
 * Rooms patch when their state changes and never otherwise (GuardedRoom: no patch interval,
 * the clock on Node's timers): a waiting duel does no work, and every change still reaches
 * every client at once.
 */
import { strict as assert } from "node:assert";
import { matchMaker, type Room } from "colyseus";
import { join, waitPhase, leaveAll } from "./duel-helpers";
import { LinguaLeapClient } from "../../client-sdk";
import { WordDuelState } from "../../rooms/word-duel/WordDuelState";
import { startServer, type TestServer } from "../helpers/server";
import { waitForState, withTimeout } from "../helpers/wait";

/** Counts the room's patches (calls and those that sent something). */
function countPatches(room: Room): { calls: number; sent: number } {
  const count = { calls: 0, sent: 0 };
  const patch = room.broadcastPatch.bind(room);
  room.broadcastPatch = () => {
    count.calls++;
    const sent = patch();
    if (sent) count.sent++;
    return sent;
  };
  return count;
}

describe("patches on change, no patch interval", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ DUEL_WAITING_TIMEOUT_MS: "1000" });
  });
  after(() => t.close());

  it("does no work in a duel waiting for an opponent: no patch, one timer (its waiting timeout) until it expires", async () => {
    const ana = await join(t, "Ana", { lang: "es", mode: "choice" });
    const room = matchMaker.getLocalRoomById(ana.room.roomId)!;
    const patches = countPatches(room);
    assert.equal(room.patchRate, 0);
    assert.equal((room.clock as unknown as { pending: number }).pending, 1, "the waiting room holds its waiting timeout only");
    const frames: number[] = [];
    const ws = (ana.room.connection as unknown as { transport: { ws: { addEventListener(t: string, f: (e: { data: ArrayBuffer }) => void): void } } }).transport.ws;
    ws.addEventListener("message", (e) => frames.push(new Uint8Array(e.data)[0]));
    const closed = new Promise<number>((resolve) => ana.room.onLeave(resolve));
    assert.equal(await withTimeout(closed, 4000, "the waiting timeout"), 4408);
    // 1 s at Colyseus's default 50 ms interval would have been 20 patch calls.
    assert.ok(patches.calls <= 1, `patch calls while waiting: ${patches.calls}`);
    assert.deepEqual(frames.filter((code) => code === 15), [], "no state patch reached the waiting learner");
  });

  it("sends each change of a played round in one patch, at once", async () => {
    const ana = await join(t, "Ana", { lang: "es", mode: "choice" });
    const ben = await join(t, "Ben", { lang: "es", mode: "choice" });
    const room = matchMaker.getLocalRoomById(ana.room.roomId)!;
    const state = await waitPhase(ana, "round", 1);
    const patches = countPatches(room);
    const seen = waitForAnswered(ben, ana.room.sessionId);
    ana.room.send("answer", { answer: state.choices[0] });
    await withTimeout(seen, 2000, "Ben to see Ana's answer");
    assert.equal(patches.sent, 1, "Ana's answer went out in one patch");
    await leaveAll(ana, ben);
  });
});

describe("the short join handshake (schema join option)", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.close());

  it("skips the state's Reflection for the SDK, which decodes the duel with its own classes; a plain colyseus.js client still gets it", async () => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest("Ana");
    const sdk = await ll.joinDuel({ lang: "es", mode: "choice" });
    const raw = await join(t, "Ben", { lang: "es", mode: "choice" });
    assert.equal(raw.room.roomId, sdk.roomId, "they meet in one duel");
    await waitPhase(raw, "countdown");
    await withTimeout(new Promise<void>((resolve) => (sdk.view?.phase === "countdown" ? resolve() : sdk.on("phase", (p) => p.phase === "countdown" && resolve()))), 5000, "the SDK's countdown");
    assert.deepEqual(sdk.view!.players.map((p) => p.name).sort(), ["Ana", "Ben"], "the SDK decoded the state with its compiled classes");
    const room = matchMaker.getLocalRoomById(sdk.roomId)! as unknown as { _serializer: { handshake(): Uint8Array } };
    assert.ok(room._serializer.handshake().length > 500, "the full Reflection, for clients without the schema");
    await sdk.leave();
    await leaveAll(raw);
  });
});

describe("the short join handshake of a ranked duel", () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ QUEUE_BOT_AFTER_MS: "300" });
  });
  after(() => t.close());

  it("carries the SDK's schema id from the queue to the duel's seat: the duel is decoded with the compiled classes", async () => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest("Ana");
    const duel = await (await ll.findRankedDuel({ lang: "es", mode: "choice" })).duel;
    const state = (duel as unknown as { room: { serializer: { state: unknown } } }).room.serializer.state;
    assert.ok(state instanceof WordDuelState, "the compiled WordDuelState, not a class reflected from the handshake");
    await duel.leave();
  });
});

function waitForAnswered(seat: Awaited<ReturnType<typeof join>>, sessionId: string): Promise<void> {
  return waitForState(seat.room, (s: { round: number; players: Map<string, { answeredRound: number }> }) => s.players.get(sessionId)?.answeredRound === s.round, "the answer to show", 2000).then(() => undefined);
}
