/**
 * A duel's result on its way to being kept, with real sockets: recorded before anyone is told
 * it, the players told it could not be saved when nothing can keep it, and no answer taken
 * while it is being kept (found by the outside review of issue 11's room split).
 */
import { strict as assert } from "node:assert";
import { LinguaLeapClient, type LinguaLeapError } from "../../client-sdk";
import { colyseusOf } from "../helpers/colyseus-testing";
import { startServer, type TestServer } from "../helpers/server";
import { withTimeout } from "../helpers/wait";
import { leaveAll, pair, rightAnswer, waitPhase, type Seat } from "./duel-helpers";
import { PHASES } from "../../rooms/word-duel/messages";

const left = (seat: Seat, ms = 8000) => withTimeout(new Promise<number>((r) => seat.room.onLeave.once(r)), ms, "the socket to close");

describe("word_duel room: keeping the result", function () {
  this.timeout(30000);
  let t: TestServer;
  let seats: Seat[] = [];
  before(async () => {
    t = await startServer({ DUEL_TYPED_ROUND_MS: "10000", DUEL_CHOICE_ROUND_MS: "10000" });
  });
  after(async () => {
    await t.close();
  });
  afterEach(async () => {
    await leaveAll(...seats);
    seats = [];
  });

  it("keeps the result before anyone is told: recorded when duel_result arrives", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed" }));
    await waitPhase(a, "round", 1);
    const before = t.server.recorder.recordedCount;
    const result = a.log.next("duel_result");
    await b.room.leave(true);
    await result;
    assert.equal(t.server.recorder.recordedCount, before + 1, "recorded before duel_result");
    assert.equal(colyseusOf(t).getRoomById(a.room.roomId)?.state.phase, PHASES.indexOf("finished"));
  });

  it("a result nothing can keep: INTERNAL, then 4503, no duel_result, nothing recorded", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "choice" }));
    await waitPhase(a, "round", 1);
    const recorder = t.server.recorder as any;
    const record = recorder.record;
    recorder.record = async () => { throw new Error("disk full"); };
    try {
      const before = t.server.recorder.recordedCount;
      const err = a.log.next("error");
      const closed = left(a);
      await b.room.leave(true);
      const e = await err;
      assert.equal(e.code, "INTERNAL");
      assert.match(e.message, /could not be saved/);
      assert.equal(await closed, 4503);
      assert.equal(a.log.of("duel_result").length, 0);
      assert.equal(t.server.recorder.recordedCount, before);
    } finally {
      recorder.record = record;
    }
  });

  it("tells an SDK learner a result nothing can keep could not be saved (INTERNAL), not that the server restarts", async () => {
    const [ana, ben] = [new LinguaLeapClient(t.http), new LinguaLeapClient(t.http)];
    await Promise.all([ana.signInAsGuest("Ana"), ben.signInAsGuest("Ben")]);
    const a = await ana.joinDuel({ lang: "fr", mode: "choice" });
    const b = await ben.joinDuel({ lang: "fr", mode: "choice" });
    await withTimeout(new Promise<void>((r) => a.on("round", () => r())), 8000, "round 1");
    const recorder = t.server.recorder as any;
    const record = recorder.record;
    recorder.record = async () => { throw new Error("disk full"); };
    try {
      const closed = withTimeout(new Promise<{ code: number; error?: LinguaLeapError }>((r) => a.on("closed", r)), 8000, "the session to end");
      await b.leave();
      const { code, error } = await closed;
      assert.equal(code, 4503);
      assert.equal(error?.code, "INTERNAL");
      assert.match(error!.message, /could not be saved/);
    } finally {
      recorder.record = record;
    }
  });

  it("while the result is being kept the round takes no answer: DUEL_NOT_IN_ROUND 'this duel is over'", async () => {
    const [a, b] = (seats = await pair(t, { lang: "es", mode: "typed", direction: "target-en" }));
    await waitPhase(a, "round", 1);
    const recorder = t.server.recorder as any;
    const record = recorder.record.bind(recorder);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let saving!: () => void;
    const started = new Promise<void>((r) => (saving = r));
    recorder.record = async (result: unknown) => { saving(); await held; return record(result); };
    try {
      await b.room.leave(true);
      await withTimeout(started, 5000, "the result to be on its way");
      const refused = a.log.next("error");
      a.room.send("answer", { answer: rightAnswer(t, a) });
      const e = await refused;
      assert.deepEqual([e.code, e.message], ["DUEL_NOT_IN_ROUND", "this duel is over"]);
    } finally {
      recorder.record = record;
      release();
    }
    const final = await a.log.next("duel_result", 5000, 0);
    assert.equal(final.winner, a.room.sessionId);
  });
});
