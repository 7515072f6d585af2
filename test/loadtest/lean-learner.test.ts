/**
 * The lean learner (loadtest/learner/LeanLearner.ts): two of them play whole duels against a
 * real server over real sockets, with no SDK, and record their answers and answer→patch
 * samples; its wire reader (lean-wire.ts) takes hostile and odd frames without throwing,
 * counting each as an error, and shares one reflected class set between rooms.
 */
import { strict as assert } from "node:assert";
import { Encoder, Reflection } from "@colyseus/schema";
import { LeanLearner } from "../../loadtest/learner/LeanLearner";
import { answerFrame, CODE, reflectionStats, RoomWire, type WireListener } from "../../loadtest/learner/lean-wire";
import type { ErrorBucket, LearnerSink, SampleKind } from "../../loadtest/learner/metrics";
import type { LearnerOptions } from "../../loadtest/learner/options";
import { PHASES, phaseOf } from "../../rooms/word-duel/messages";
import { WordDuelState } from "../../rooms/word-duel/WordDuelState";
import { startServer, type TestServer } from "../helpers/server";
import { withTimeout } from "../helpers/wait";

/** Everything one learner reported; `duel` resolves at its first completed duel. */
class Recorder implements LearnerSink {
  readonly samples: Record<SampleKind, number[]> = { signIn: [], queueWait: [], join: [], answerPatch: [] };
  readonly errors: { code: string; message: string; bucket: ErrorBucket }[] = [];
  readonly duels: string[] = [];
  sent = 0;
  right = 0;
  accepted = 0;
  pairedCount = 0;
  readonly duel: Promise<string>;
  readonly firstAnswerPatch: Promise<void>;
  private done!: (roomId: string) => void;
  private answered!: () => void;

  constructor() {
    this.duel = new Promise((resolve) => (this.done = resolve));
    this.firstAnswerPatch = new Promise((resolve) => (this.answered = resolve));
  }

  sample(kind: SampleKind, ms: number): void {
    this.samples[kind].push(ms);
    if (kind === "answerPatch") this.answered();
  }
  paired(): void {
    this.pairedCount++;
  }
  duelCompleted(id: string): void {
    this.duels.push(id);
    this.done(id);
  }
  answerSent(right: boolean): void {
    this.sent++;
    if (right) this.right++;
  }
  answerAccepted(): void {
    this.accepted++;
  }
  error(code: string, message: string, bucket: ErrorBucket): void {
    this.errors.push({ code, message, bucket });
  }
}

function learnerOptions(server: TestServer, name: string, mode: LearnerOptions["mode"]): LearnerOptions {
  return { endpoint: server.http, name, scenario: "casual", lang: "es", mode, direction: "en-target", accuracy: 0.5, thinkMs: 100 };
}

/** Two lean learners play until both saw a duel's result; then they are stopped. */
async function playOneDuel(server: TestServer, mode: LearnerOptions["mode"], during?: (a: LeanLearner) => void) {
  const ra = new Recorder();
  const rb = new Recorder();
  const a = new LeanLearner(learnerOptions(server, `lean a ${mode}`, mode), ra);
  const b = new LeanLearner(learnerOptions(server, `lean b ${mode}`, mode), rb);
  void a.start();
  void b.start();
  try {
    if (during) {
      await withTimeout(ra.firstAnswerPatch, 10_000, "a's first answer→patch");
      during(a);
    }
    const [da, db] = await withTimeout(Promise.all([ra.duel, rb.duel]), 15_000, "both learners to finish a duel");
    assert.equal(da, db, "both played the same room");
  } finally {
    await withTimeout(Promise.all([a.stop(), b.stop()]), 12_000, "the learners to stop");
  }
  return [ra, rb];
}

function assertWholeDuel(r: Recorder, rounds: number): void {
  const errors = r.errors.filter((e) => e.bucket === "errors");
  assert.deepEqual(errors, [], JSON.stringify(errors));
  assert.equal(r.samples.signIn.length, 1);
  assert.ok(r.samples.join.length >= 1 && r.pairedCount >= 1, "seated and paired");
  // Every round answered, every answer seen in a patch (answer→patch) and so accepted.
  assert.ok(r.sent >= rounds, `answers sent: ${r.sent}`);
  assert.equal(r.samples.answerPatch.length, r.accepted);
  assert.ok(r.accepted >= rounds, `answers seen answered: ${r.accepted}`);
  for (const ms of r.samples.answerPatch) assert.ok(ms >= 0 && ms < 3000, `answer→patch ${ms} ms`);
}

describe("lean learner", function () {
  this.timeout(40_000);
  let server: TestServer;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.close();
  });

  it("plays a whole choice duel against a real server, recording answers and answer→patch", async () => {
    const rounds = Number(server.config.DUEL_ROUNDS);
    const [ra, rb] = await playOneDuel(server, "choice");
    assertWholeDuel(ra, rounds);
    assertWholeDuel(rb, rounds);
    assert.ok(reflectionStats.cached >= 1, `the second room's handshake came from the cache: ${JSON.stringify(reflectionStats)}`);
  });

  it("plays a typed duel too", async () => {
    const [ra, rb] = await playOneDuel(server, "typed");
    assertWholeDuel(ra, Number(server.config.DUEL_ROUNDS));
    assertWholeDuel(rb, Number(server.config.DUEL_ROUNDS));
  });

  it("counts an odd frame in the middle of a duel and plays on to the end", async () => {
    const broken = Buffer.from([CODE.ROOM_DATA, 0xa5, ...Buffer.from("error"), 0x82]); // a map of two, cut off
    const [ra, rb] = await playOneDuel(server, "choice", (a) => {
      a.feed(broken);
      a.feed(Buffer.from([CODE.JOIN_ROOM, 0, 6, ...Buffer.from("schema"), 1, 2, 3]));
    });
    const codes = ra.errors.filter((e) => e.bucket === "errors").map((e) => e.code);
    assert.deepEqual(codes, ["LOADTEST_BAD_FRAME", "LOADTEST_BAD_FRAME"], JSON.stringify(ra.errors));
    assert.equal(ra.duels.length >= 1 && rb.duels.length >= 1, true);
  });
});

describe("lean wire reader", () => {
  const handshake = Reflection.encode(new Encoder(new WordDuelState()));
  const joinFrame = Buffer.from([CODE.JOIN_ROOM, 3, ...Buffer.from("tok"), 6, ...Buffer.from("schema"), ...handshake]);

  function listening() {
    const seen = { joined: 0, states: 0, messages: [] as [string, unknown][], errors: [] as string[] };
    const listener: WireListener = {
      joined: () => seen.joined++,
      stateChanged: () => seen.states++,
      message: (type, payload) => seen.messages.push([type, payload]),
      wireError: (code, message) => seen.errors.push(`${code}: ${message}`),
    };
    return { seen, wire: new RoomWire(listener, (type) => type === "error") };
  }

  it("decodes a real handshake and state, and the messages it is told to read", () => {
    const { seen, wire } = listening();
    const state = new WordDuelState();
    state.phase = PHASES.indexOf("round");
    state.round = 2;
    state.choices.push("uno", "dos");
    const encoder = new Encoder(state);
    wire.read(joinFrame);
    wire.read(Buffer.from([CODE.ROOM_STATE, ...encoder.encodeAll()]));
    const s = wire.state as unknown as WordDuelState;
    assert.equal(seen.joined, 1);
    assert.equal(seen.states, 1);
    assert.equal(phaseOf(s.phase), "round");
    assert.deepEqual(s.choices.toArray(), ["uno", "dos"]);
    wire.read(Buffer.from([CODE.ROOM_DATA, 0xa5, ...Buffer.from("error"), 0x82, 0xa4, ...Buffer.from("code"), 0xa1, 0x58, 0xa7, ...Buffer.from("message"), 0xa0]));
    wire.read(Buffer.from([CODE.ROOM_DATA, 0xa5, ...Buffer.from("other"), 0x82])); // not unpacked: not asked for
    wire.read(Buffer.from([CODE.ROOM_DATA, 0x05, 0x80])); // a numeric type, as colyseus.js names it
    assert.deepEqual(seen.messages, [["error", { code: "X", message: "" }], ["other", undefined], ["i5", undefined]]);
    assert.deepEqual(seen.errors, []);
  });

  it("counts hostile and odd frames as errors and never throws", () => {
    const { seen, wire } = listening();
    const frames = [
      Buffer.alloc(0), // empty
      Buffer.from([99, 1, 2]), // unknown code
      Buffer.from([CODE.ROOM_STATE_PATCH, 1, 2, 3]), // a patch before the join
      Buffer.from([CODE.JOIN_ROOM, 200]), // lengths past the end
      Buffer.from([CODE.JOIN_ROOM, 0, 4, ...Buffer.from("none")]), // another serializer, no handshake
      Buffer.from([CODE.ROOM_DATA, 0xc1]), // a message type that is neither a string nor a number
      Buffer.from([CODE.ROOM_DATA, 0xa5, ...Buffer.from("error"), 0xdf, 0xff, 0xff, 0xff, 0xff]), // a map of 4 billion entries, none there
    ];
    for (const f of frames) assert.doesNotThrow(() => wire.read(f));
    assert.equal(seen.errors.length, frames.length, seen.errors.join("\n"));
    assert.ok(seen.errors.every((e) => e.startsWith("LOADTEST_BAD_FRAME")), seen.errors.join("\n"));
    assert.equal(seen.joined, 0);
    wire.read(joinFrame);
    assert.equal(seen.joined, 1, "a good handshake after the bad ones still joins");
    // The schema decoder logs a structure it cannot find (and skips it) rather than throwing.
    const logged: unknown[] = [];
    const { error, warn } = console;
    console.error = console.warn = (...args: unknown[]) => void logged.push(args);
    try {
      assert.doesNotThrow(() => wire.read(Buffer.from([CODE.ROOM_STATE_PATCH, 0xff])), "a truncated patch");
    } finally {
      Object.assign(console, { error, warn });
    }
    assert.ok(logged.length > 0);
  });

  it("reads an ERROR frame's code as the server puts it, and builds the answer frame colyseus.js would", () => {
    const { seen, wire } = listening();
    const text = "DUEL_NOT_INVITED: no";
    wire.read(Buffer.from([CODE.ERROR, 0xcd, 0x6f, 0x10, 0xa0 | text.length, ...Buffer.from(text)]));
    assert.equal(seen.errors.length, 1);
    assert.match(seen.errors[0], /^DUEL_NOT_INVITED: /);
    assert.deepEqual([...answerFrame("nope")], [0x0d, 0xa6, ...Buffer.from("answer"), 0xde, 0, 1, 0xa6, ...Buffer.from("answer"), 0xa4, ...Buffer.from("nope")]);
  });
});
