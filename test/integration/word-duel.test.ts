import { strict as assert } from "node:assert";
import { colyseusOf } from "../helpers/colyseus-testing";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { waitForState, waitUntil, withTimeout } from "../helpers/wait";
import { join, leaveAll, pair, rightAnswer, waitPhase, type Seat } from "./duel-helpers";
import { phaseOf } from "../../rooms/word-duel/messages";

describe("word_duel room: whole duels with real clients", function () {
  let t: TestServer;
  let seats: Seat[] = [];

  before(async () => {
    t = await startServer();
  });
  after(async () => {
    await t.close();
  });
  afterEach(async () => {
    await leaveAll(...seats);
    seats = [];
    t.clock.skewMs = 0;
    // No room of one test (a duel lingering after its end, a waiting room) meets the next's learners.
    await colyseusOf(t).cleanup();
  });

  it("plays a typed duel to the end: right answers score, wrong ones do not, the winner is named", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed", name: "Mallory" }));
    const resultSeen = b.log.next("duel_result", 20000);
    for (let round = 1; round <= 3; round++) {
      await waitPhase(a, "round", round);
      const accepted = a.log.next("answer_accepted");
      a.room.send("answer", { answer: rightAnswer(t, a) });
      assert.deepEqual(await accepted, { round });
      b.room.send("answer", { answer: "zzzz" });
      const result = await b.log.next("round_result", 5000, b.log.all.findIndex((m) => m.type === "round_result" && m.message.round === round) >= 0 ? 0 : undefined);
      assert.equal(result.round, round);
      assert.equal(result.results[a.room.sessionId].verdict, "correct");
      assert.ok(result.results[a.room.sessionId].points >= 500);
      assert.equal(result.results[b.room.sessionId].verdict, "wrong");
      assert.equal(result.results[b.room.sessionId].points, 0);
      assert.ok(result.accepted.length >= 1);
    }
    const final = await resultSeen;
    assert.equal(final.winner, a.room.sessionId);
    const state = await waitPhase(b, "finished");
    assert.equal(state.winner, a.room.sessionId);
    assert.equal(state.players.get(a.room.sessionId).name, "Ana", "the name comes from the token");
    assert.equal(state.players.get(b.room.sessionId).name, "Ben");
    assert.equal(state.players.get(b.room.sessionId).score, 0);
    assert.ok(state.players.get(a.room.sessionId).score >= 3 * 500 + 100 + 200, "streak bonus added");
    assert.equal(state.players.get(a.room.sessionId).streak, 3);
  });

  it("never sends the answer before the reveal (every frame recorded, typed mode)", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    // Each frame with the phase b's state is in once colyseus.js has read it (its listener runs first).
    const frames: { phase: string; text: string }[] = [];
    const ws = (b.room.connection.transport as any).ws;
    ws.on("message", (data: Buffer) => frames.push({ phase: phaseOf(b.room.state.phase), text: Buffer.from(data).toString("latin1") }));
    for (let round = 1; round <= 3; round++) {
      const state = await waitPhase(a, "round", round);
      const prompt: string = state.prompt;
      const answers = answersFor(t.decks.get("es")!, prompt);
      const from = frames.length;
      a.room.send("answer", { answer: "no sé" });
      const reveal = await b.log.next("round_result");
      assert.equal(reveal.answer, answers[0]);
      const revealAt = frames.findIndex((f, i) => i >= from && f.phase === "reveal");
      assert.ok(revealAt >= from, "the reveal's patch was recorded");
      assert.ok(frames[revealAt].text.includes(Buffer.from(answers[0], "utf8").toString("latin1")), "the reveal's patch carries the answer");
      const before = frames.slice(from, revealAt);
      for (const answer of answers) {
        const needle = Buffer.from(answer, "utf8").toString("latin1");
        if (prompt.toLowerCase().includes(answer.toLowerCase())) continue; // the prompt itself is public
        assert.ok(!before.some((f) => f.text.includes(needle)), `"${answer}" reached a client before the reveal`);
      }
    }
    assert.ok(frames.length > 5, "frames were recorded");
  });

  it("plays choice mode: four options, an option that is not offered is refused, a right pick scores", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "choice" }));
    const state = await waitPhase(a, "round", 1);
    assert.equal(state.choices.length, 4);
    const right = rightAnswer(t, a);
    assert.ok(state.choices.includes(right));
    const refused = a.log.next("error");
    a.room.send("answer", { answer: "not an option" });
    assert.equal((await refused).code, "DUEL_INVALID_CHOICE");
    a.room.send("answer", { answer: right });
    b.room.send("answer", { answer: state.choices.find((c: string) => c !== right) });
    const result = await a.log.next("round_result");
    assert.equal(result.results[a.room.sessionId].verdict, "correct");
    assert.equal(result.results[b.room.sessionId].verdict, "wrong");
  });

  it("refuses duplicate, out-of-round and late answers with a clear error, changing nothing", async () => {
    const a = await join(t, "Ana", { lang: "it", mode: "typed" });
    seats = [a];
    await waitPhase(a, "waiting");
    const early = a.log.next("error");
    a.room.send("answer", { answer: "ciao" });
    assert.equal((await early).code, "DUEL_NOT_IN_ROUND");
    const b = await join(t, "Ben", { lang: "it", mode: "typed" });
    seats.push(b);
    await waitPhase(a, "round", 1);
    a.room.send("answer", { answer: rightAnswer(t, a) });
    await a.log.next("answer_accepted");
    const dup = a.log.next("error");
    a.room.send("answer", { answer: "otra cosa" });
    assert.equal((await dup).code, "DUEL_ALREADY_ANSWERED");
    t.clock.skewMs = 60_000; // the server now sees the deadline as passed
    const late = b.log.next("error");
    b.room.send("answer", { answer: rightAnswer(t, b) });
    assert.equal((await late).code, "DUEL_TOO_LATE");
    t.clock.skewMs = 0;
    const result = await a.log.next("round_result", 6000);
    assert.equal(result.results[a.room.sessionId].verdict, "correct", "the first answer stood");
    assert.equal(result.results[b.room.sessionId].verdict, "none", "the late answer did not count");
  });

  it("keeps a dropped player's seat: the opponent sees connected=false, and the duel goes on after reconnecting", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    await waitPhase(a, "round", 1);
    const token = b.room.reconnectionToken;
    (b.room.connection.transport as any).ws.terminate();
    await waitForPlayer(a, b.room.sessionId, (p) => p.connected === false);
    const back = await withTimeout(b.client.reconnect<any>(token), 5000, "reconnect");
    seats.push({ ...b, room: back });
    await waitForPlayer(a, b.room.sessionId, (p) => p.connected === true);
    const state = await withTimeout(new Promise<any>((r) => back.onStateChange.once(r)), 5000, "state after reconnect");
    assert.ok(["round", "reveal", "countdown"].includes(phaseOf(state.phase)));
    assert.equal(state.players.size, 2);
  });

  it("counts a player who leaves for good as a forfeit: the other wins at once", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    await waitPhase(a, "round", 1);
    const result = a.log.next("duel_result");
    await b.room.leave(true);
    const final = await result;
    assert.equal(final.winner, a.room.sessionId);
    const state = await waitPhase(a, "finished");
    assert.equal(state.players.get(b.room.sessionId).forfeited, true);
    const closed = await withTimeout(new Promise<number>((r) => a.room.onLeave.once(r)), 5000, "room disposed after the linger");
    assert.equal(closed, 4000, "the server closed the finished duel");
  });

  it("forfeits a dropped player whose reconnection window closes", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    await waitPhase(a, "round", 1);
    (b.room.connection.transport as any).ws.terminate();
    const final = await a.log.next("duel_result", 8000);
    assert.equal(final.winner, a.room.sessionId);
    assert.equal(final.standings.find((s: any) => s.sessionId === b.room.sessionId).forfeited, true);
  });

  it("ignores a flood, warns once, then disconnects the flooder, who forfeits and cannot come back", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    await waitPhase(a, "round", 1);
    const token = b.room.reconnectionToken;
    const left = withTimeout(new Promise<number>((r) => b.room.onLeave.once(r)), 5000, "flooder disconnected");
    const result = a.log.next("duel_result");
    for (let i = 0; i < 200; i++) b.room.send("answer", { answer: `spam ${i}` });
    assert.equal(await left, 4429);
    const warnings = b.log.of("error").filter((e) => e.code === "DUEL_RATE_LIMITED");
    assert.equal(warnings.length, 1, "warned once");
    const final = await result;
    assert.equal(final.winner, a.room.sessionId);
    assert.deepEqual(final.standings.map((s: any) => [s.sessionId, s.forfeited]), [[a.room.sessionId, false], [b.room.sessionId, true]]);
    await assert.rejects(b.client.reconnect(token));
  });

  it("answers malformed payloads with errors and never throws", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    await waitPhase(a, "round", 1);
    const bad: unknown[] = [undefined, null, 42, "text", [], { answer: 7 }, { answer: null }, { answer: "x".repeat(500) }, { nope: true }];
    for (const payload of bad) {
      const err = a.log.next("error");
      a.room.send("answer", payload as any);
      assert.equal((await err).code, "DUEL_BAD_MESSAGE", `payload ${JSON.stringify(payload)}`);
    }
    const unknown = a.log.next("error");
    a.room.send("teleport", { x: 1 });
    assert.equal((await unknown).code, "DUEL_BAD_MESSAGE");
    const ws = (a.room.connection.transport as any).ws;
    ws.send(Buffer.from([13, 0xff, 0xfe, 0x00, 0x01])); // a ROOM_DATA frame with garbage inside
    ws.send(Buffer.from([])); // an empty frame
    await waitForPlayer(b, a.room.sessionId, () => true);
    b.room.send("answer", { answer: rightAnswer(t, b) });
    assert.equal((await b.log.next("answer_accepted")).round, 1, "the room still works");
  });

  it("closes the connection of a client that sends an oversized frame; the room survives", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    await waitPhase(a, "round", 1);
    const left = withTimeout(new Promise<number>((r) => a.room.onLeave.once(r)), 5000, "oversized sender closed");
    a.room.send("answer", { answer: "x".repeat(10_000) });
    assert.equal(await left, 1009);
    b.room.send("answer", { answer: rightAnswer(t, b) });
    assert.equal((await b.log.next("answer_accepted")).round, 1);
  });

  it("lets one learner practise a lesson alone", async () => {
    const lesson = t.decks.get("es")!.lessons[0];
    const solo = await join(t, "Sol", { lang: "es", mode: "typed", lessonId: lesson.id }, "practice");
    seats = [solo];
    const result = solo.log.next("duel_result", 15000);
    for (let round = 1; round <= 3; round++) {
      const state = await waitPhase(solo, "round", round);
      assert.ok(lesson.words.some((w) => w.en[0] === state.prompt), "the word comes from the lesson");
      solo.room.send("answer", { answer: rightAnswer(t, solo) });
      await solo.log.next("round_result");
    }
    const final = await result;
    assert.equal(final.winner, solo.room.sessionId);
    assert.equal(final.standings.length, 1);
  });

  it("keeps languages apart and plays the reverse direction", async () => {
    const es = await join(t, "Eva", { lang: "es", mode: "typed", direction: "target-en" });
    const fr = await join(t, "Fred", { lang: "fr", mode: "typed", direction: "target-en" });
    seats = [es, fr];
    assert.notEqual(es.room.roomId, fr.room.roomId);
    const es2 = await join(t, "Eli", { lang: "es", mode: "typed", direction: "target-en" });
    seats.push(es2);
    assert.equal(es2.room.roomId, es.room.roomId);
    const implicit = await join(t, "Ida", { lang: "es", mode: "typed" });
    const explicit = await join(t, "Ivo", { lang: "es", mode: "typed", direction: "en-target" });
    seats.push(implicit, explicit);
    assert.notEqual(implicit.room.roomId, es.room.roomId, "the default direction does not meet target-en");
    assert.equal(explicit.room.roomId, implicit.room.roomId, "a default and a spelled-out direction meet");
    const state = await waitPhase(es, "round", 1);
    const word = t.decks.get("es")!.lessons.flatMap((l) => l.words).find((w) => w.target[0] === state.prompt);
    assert.ok(word, "the prompt is a Spanish word");
    es.room.send("answer", { answer: word!.en[0] });
    const result = await es.log.next("round_result");
    assert.equal(result.results[es.room.sessionId].verdict, "correct");
  });
});

function waitForPlayer(seat: Seat, sessionId: string, check: (p: any) => boolean, ms = 5000): Promise<unknown> {
  const found = (s: any) => {
    const p = s.players.get(sessionId);
    return p && check(p) ? p : undefined;
  };
  return waitForState(seat.room, (s: any) => found(s) !== undefined, `player ${sessionId}`, ms).then(found);
}

describe("word_duel room: who may join when", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer({ DUEL_COUNTDOWN_MS: "4000" });
  });

  it("reopens a duel whose player leaves during the countdown; a newcomer takes the seat", async () => {
    const [a, b] = await pair(t, { lang: "pt", mode: "choice" });
    await waitPhase(a, "countdown");
    await b.room.leave(true);
    const state = await waitPhase(a, "waiting");
    assert.equal(state.players.size, 1);
    const c = await join(t, "Cleo", { lang: "pt", mode: "choice" });
    assert.equal(c.room.roomId, a.room.roomId);
    await waitPhase(c, "countdown");
    assert.equal(a.log.of("duel_result").length, 0, "no result for a duel that never started");
    await leaveAll(a, c);
  });
  after(async () => {
    await t.close();
  });

  it("records nothing when a learner who dropped in the countdown stays away after the other left (the duel never started)", async () => {
    const [a, b] = await pair(t, { lang: "pt", mode: "typed" });
    await waitPhase(a, "countdown");
    const roomId = a.room.roomId;
    const recordedBefore = t.server.recorder.recordedCount;
    (a.room.connection.transport as any).ws.terminate(); // a drop: the seat is held RECONNECT_SECONDS
    await waitUntil(() => colyseusOf(t).getRoomById(roomId)?.state.players.get(a.room.sessionId)?.connected === false, "the drop seen");
    await b.room.leave(true); // back to waiting, with only the dropped learner's held seat
    // The window closes, the seat is given up, and the empty duel is disposed.
    await waitUntil(() => colyseusOf(t).getRoomById(roomId) === undefined, "the empty duel disposed", 8000);
    assert.equal(t.server.recorder.recordedCount, recordedBefore, "no result for a duel that never started");
  });

  it("never starts a duel with a held seat whose learner is away: a newcomer waits, and nothing is recorded when the window closes", async () => {
    const [a, b] = await pair(t, { lang: "it", mode: "typed" });
    await waitPhase(a, "countdown");
    const room = colyseusOf(t).getRoomById(a.room.roomId);
    const recordedBefore = t.server.recorder.recordedCount;
    (a.room.connection.transport as any).ws.terminate();
    await waitUntil(() => room.state.players.get(a.room.sessionId)?.connected === false, "the drop seen");
    await b.room.leave(true);
    await waitUntil(() => phaseOf(room.state.phase) === "waiting", "back to waiting");
    const c = await join(t, "Cleo", { lang: "it", mode: "typed" });
    assert.equal(c.room.roomId, a.room.roomId, "the newcomer takes the free seat");
    // The dropped learner's window closes: their seat is given up, the newcomer still waits.
    await waitUntil(() => !room.state.players.has(a.room.sessionId), "the held seat given up", 8000);
    assert.equal(phaseOf(room.state.phase), "waiting");
    assert.equal(c.log.of("duel_result").length, 0, "no duel_result for a duel that never started");
    assert.equal(t.server.recorder.recordedCount, recordedBefore, "nothing recorded");
    await leaveAll(c);
  });

  it("starts the duel when the learner of a held seat comes back to a duel that filled again meanwhile", async () => {
    const [a, b] = await pair(t, { lang: "it", mode: "choice" });
    await waitPhase(a, "countdown");
    const room = colyseusOf(t).getRoomById(a.room.roomId);
    const token = a.room.reconnectionToken;
    (a.room.connection.transport as any).ws.terminate();
    await waitUntil(() => room.state.players.get(a.room.sessionId)?.connected === false, "the drop seen");
    await b.room.leave(true);
    await waitUntil(() => phaseOf(room.state.phase) === "waiting", "back to waiting");
    const c = await join(t, "Cleo", { lang: "it", mode: "choice" });
    assert.equal(phaseOf(room.state.phase), "waiting", "not without the learner who dropped");
    const back = await withTimeout(a.client.reconnect<any>(token), 5000, "reconnect");
    await waitPhase(c, "countdown");
    await back.leave(true);
    await leaveAll(c);
  });

  it("keeps a started duel locked after a player leaves; a newcomer gets a new room", async () => {
    const [a, b] = await pair(t, { lang: "de", mode: "typed" });
    await waitPhase(a, "round", 1);
    await b.room.leave(true);
    await waitPhase(a, "finished");
    const c = await join(t, "Cleo", { lang: "de", mode: "typed" });
    assert.notEqual(c.room.roomId, a.room.roomId);
    await waitPhase(c, "waiting");
    await leaveAll(a, c);
  });
});
