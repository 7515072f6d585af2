/**
 * Regressions for what a hostile client did to rooms (issue 9), on real sockets: one frame
 * that ended the process, one account in two seats, options that set what only the server
 * decides, frames that escaped the flood limit, and duel rooms nobody ever joins.
 */
import { strict as assert } from "node:assert";
import { matchMaker } from "@colyseus/core";
import { pack } from "@colyseus/msgpackr";
import type { Room } from "colyseus.js";
import { LinguaLeapClient } from "../../client-sdk";
import { CLOSE_BAD_FRAME, CLOSE_FLOODING, CLOSE_WAIT_EXPIRED } from "../../rooms/word-duel/messages";
import { colyseusOf, testClient } from "../helpers/colyseus-testing";
import { guestClient, guestToken, startServer, type TestServer } from "../helpers/server";
import { call, INTERNAL_TEXT, json } from "../helpers/http";
import { MessageLog, waitUntil, withTimeout } from "../helpers/wait";
import { join, leaveAll, rightAnswer, waitPhase, type Seat } from "./duel-helpers";

/** A ROOM_DATA frame (code 13, fixstr/str8 type, MessagePack payload) as a raw client writes it. */
function frame(type: string, payload?: unknown): Buffer {
  const t = Buffer.from(type, "utf8");
  const header = t.length < 32 ? [0xa0 | t.length] : [0xd9, t.length];
  return Buffer.concat([Buffer.from([13, ...header]), t, payload === undefined ? Buffer.alloc(0) : Buffer.from(pack(payload))]);
}

const raw = (room: Room, bytes: Uint8Array) => (room.connection.transport as any).ws.send(bytes);
/** Sends a ping frame (ws answers each with a pong). */
const ping = (room: Room) => (room.connection.transport as any).ws.ping();

/** Resolves with the close code and reason of the room's socket. */
function closed(room: Room, ms = 5000): Promise<{ code: number; reason: string }> {
  const ws = (room.connection.transport as any).ws;
  return withTimeout(new Promise((resolve) => ws.addEventListener("close", (e: { code: number; reason: string }) => resolve({ code: e.code, reason: e.reason }))), ms, "the socket to close");
}

const PROTOTYPE_NAMES = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "__no_message_handler"];

describe("rooms at the edge: nothing a client sends ends the process or reaches another learner", function () {
  this.timeout(30000);
  let t: TestServer;
  let seats: Seat[] = [];
  before(async () => {
    t = await startServer({ DUEL_ROUNDS: "3" });
  });
  after(() => t.close());
  afterEach(async () => {
    await leaveAll(...seats);
    seats = [];
  });

  it("takes reserved and Object.prototype message types, with long payloads, in every room, and answers on", async () => {
    const practice = (seats[0] = await join(t, "Pia", { lang: "es", mode: "typed" }, "practice"));
    const waiting = (seats[1] = await join(t, "Wes", { lang: "fr", mode: "choice" }));
    for (const seat of [practice, waiting]) {
      for (const type of PROTOTYPE_NAMES) {
        const err = seat.log.next("error");
        raw(seat.room, frame(type, "x".repeat(300)));
        assert.equal((await err).code, "DUEL_BAD_MESSAGE", type);
      }
    }
    const queueClient = await guestClient(t, "Quinn");
    const queue = await queueClient.joinOrCreate("ranked_queue", { lang: "de", mode: "choice" });
    for (const type of PROTOTYPE_NAMES) raw(queue, frame(type, "y".repeat(300)));
    const board = await colyseusOf(t).sdk.joinOrCreate("leaderboard", { board: "global", period: "alltime" });
    const boardClosed = closed(board);
    raw(board, frame("__no_message_handler", "z".repeat(3000)));
    const { code, reason } = await boardClosed;
    assert.equal(code, CLOSE_BAD_FRAME, "a watcher who sends a message is closed, as docs/protocol/rooms.md says");
    assert.ok(Buffer.byteLength(reason) <= 123 && reason.startsWith("ROOM_BAD_FRAME:"), reason);
    assert.equal(queue.connection.isOpen, true, "the queue ignores messages");
    await queue.leave();
    assert.equal((await call(t, "/healthz")).status, 200);
    const err = practice.log.next("answer_accepted");
    await waitPhase(practice, "round", 1);
    practice.room.send("answer", { answer: rightAnswer(t, practice) });
    assert.equal((await err).round, 1, "the room still plays");
  });

  it("closes a malformed frame with 4002 and a short fixed reason", async () => {
    const badFrames = [Buffer.from([13, 0xa3, 0xff, 0xfe, 0x61]), Buffer.from([13, 0x05, 0x01]), Buffer.from([13, 0xa6, ...Buffer.from("answer"), 0x82, 0xa1]), Buffer.from([99, 1, 2]), Buffer.from([13, 0xa6, ...Buffer.from("answer"), 0xd7, 0xff, 0, 0, 0, 0, 0, 0, 0, 0])];
    for (const bytes of badFrames) {
      const seat = await join(t, "Bea", { lang: "es", mode: "typed" }, "practice");
      const done = closed(seat.room);
      raw(seat.room, bytes);
      const { code, reason } = await done;
      assert.equal(code, CLOSE_BAD_FRAME, bytes.toString("hex"));
      assert.match(reason, /^ROOM_BAD_FRAME: [A-Za-z0-9 -]+$/);
    }
    assert.equal((await call(t, "/healthz")).status, 200);
  });

  it("counts every kind of frame toward the flood limit: pings and repeated handshake acks too", async () => {
    for (const flood of [(r: Room) => ping(r), (r: Room) => raw(r, Buffer.from([10]))]) {
      const seat = await join(t, "Flo", { lang: "es", mode: "choice" }, "practice");
      const done = closed(seat.room);
      for (let i = 0; i < 80; i++) flood(seat.room);
      assert.equal((await done).code, CLOSE_FLOODING);
    }
    const board = await colyseusOf(t).sdk.joinOrCreate("leaderboard", { board: "es", period: "alltime" });
    const done = closed(board);
    for (let i = 0; i < 80; i++) ping(board);
    assert.equal((await done).code, CLOSE_FLOODING, "a watcher who only pings is limited too");
  });

  it("gives one account one seat: a second tab is refused, and a real opponent takes the other seat", async () => {
    const token = await guestToken(t.http, "Twin");
    const [tab1, tab2] = [testClient(t, token), testClient(t, token)];
    const room = await tab1.joinOrCreate<any>("word_duel", { lang: "it", mode: "typed" });
    seats.push({ client: tab1, room, log: new MessageLog(room) });
    await assert.rejects(tab2.joinOrCreate("word_duel", { lang: "it", mode: "typed" }), /DUEL_ALREADY_JOINED/);
    const rival = await join(t, "Rival", { lang: "it", mode: "typed" });
    seats.push(rival);
    assert.equal(rival.room.roomId, room.roomId, "a real opponent takes the second seat");
    await waitPhase(rival, "round", 1);
  });

  it("never lets a client's options set what the server decides: a ranked setup, a bot, seats, another learner's review", async () => {
    const token = await guestToken(t.http, "Mallory");
    const forged = { lang: "es", mode: "typed", invited: ["x"], bot: { name: "Anyone", rating: 0 }, ranked: ["x"], practice: true, reviewFor: "someone-else" };
    const polluted = `{"lang":"es","mode":"typed","__proto__":${JSON.stringify(forged)}}`;
    const refused = await call(t, "/matchmake/create/word_duel", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: polluted });
    assert.deepEqual([refused.status, refused.body.code], [400, 400]);
    assert.match(refused.body.error, /^BAD_REQUEST: option names/);
    // Below the HTTP route, onAuth refuses the same body on its own.
    await assert.rejects(matchMaker.create("word_duel", JSON.parse(polluted), { token, headers: {}, ip: "127.0.0.1" } as never), /DUEL_BAD_OPTIONS: option names/);
    const plain = await call(t, "/matchmake/create/word_duel", json(forged, token));
    const created = colyseusOf(t).getRoomById(plain.body.room.roomId) as any;
    assert.deepEqual([created.state.ranked, created.state.practice, created.maxClients, created.state.players.size], [false, false, 2, 0], "an ordinary duel");
    const ranked = await call(t, "/matchmake/create/ranked_duel", json({ lang: "es", mode: "typed", invited: ["me"] }, token));
    assert.match(ranked.body.error, /^DUEL_NOT_INVITED:/);
  });

  it("asks a review practice the learner's own missed words, whatever `reviewFor` says", async () => {
    const token = await guestToken(t.http, "Ana");
    const anaId = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sub as string;
    const practise = async (who: string, options: Record<string, unknown>, answer?: string) => {
      const client = testClient(t, who);
      const room = await client.joinOrCreate<any>("practice", { lang: "es", mode: "typed", ...options });
      const seat = { client, room, log: new MessageLog(room) };
      seats.push(seat);
      const prompts: string[] = [];
      for (let round = 1; round <= 3; round++) {
        prompts.push((await waitPhase(seat, "round", round)).prompt);
        room.send("answer", { answer: answer ?? rightAnswer(t, seat) });
      }
      return prompts;
    };
    const missed = await practise(token, {}, "no idea");
    await waitUntil(async () => Object.keys((await t.store.progress(anaId)).words.es ?? {}).length === 3, "Ana's misses to be recorded");
    assert.deepEqual((await practise(token, { review: true })).sort(), [...missed].sort(), "Ana's review asks her missed words");
    const ben = await guestToken(t.http, "Ben");
    const benPrompts = await practise(ben, { review: true, reviewFor: anaId });
    assert.ok(benPrompts.some((p) => !missed.includes(p)), "Ben is not asked Ana's words");
  });

  it("answers a join that fails inside the server with INTERNAL, never the exception's text", async () => {
    const token = await guestToken(t.http, "Ida");
    // A bug of ours stood in for by a room class whose onAuth reads through null.
    const klass = matchMaker.getRoomClass("practice") as unknown as { onAuth: () => Promise<unknown> };
    const onAuth = klass.onAuth;
    klass.onAuth = async () => (null as unknown as { x: unknown }).x;
    try {
      const res = await call(t, "/matchmake/joinOrCreate/practice", json({ lang: "es", mode: "typed" }, token));
      assert.deepEqual([res.status, res.body.code], [200, 500]);
      assert.match(res.body.error, /^INTERNAL: /);
      assert.doesNotMatch(JSON.stringify(res.body), INTERNAL_TEXT);
    } finally {
      klass.onAuth = onAuth;
    }
  });
});

describe("duel rooms nobody joins", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer({ DUEL_WAITING_TIMEOUT_MS: "1000" });
  });
  after(() => t.close());

  it("close after DUEL_WAITING_TIMEOUT_MS with DUEL_WAIT_EXPIRED (close 4408), and the SDK says so", async () => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest("Lonely");
    const duel = await ll.joinDuel({ lang: "pt", mode: "choice" });
    const ended = await withTimeout(new Promise<{ code: number; error?: { code: string } }>((r) => duel.on("closed", r)), 5000, "the waiting duel to close");
    assert.equal(ended.code, CLOSE_WAIT_EXPIRED);
    assert.equal(ended.error?.code, "DUEL_WAIT_EXPIRED");
    const { code, duel: challenge } = await ll.createChallenge({ lang: "pt", mode: "choice" });
    const gone = await withTimeout(new Promise<{ code: number }>((r) => challenge.on("closed", r)), 5000, "the challenge to close");
    assert.equal(gone.code, CLOSE_WAIT_EXPIRED);
    assert.equal((await call(t, `/api/challenges/${code}`)).status, 404, "its code is unlisted");
  });
});
