import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { DeadLetters, FileOutbox, isOutage, PERMANENT_ATTEMPTS, ResultRecorder } from "../../server/results.service";
import type { MatchResult } from "../../rooms/word-duel/services";
import type { Store } from "../../server/store/store";
import { waitUntil } from "../helpers/wait";

const result = (matchId: string): MatchResult => ({
  matchId, lang: "es", mode: "typed", practice: true, finishedAt: Date.now(),
  players: [{ userId: "u1", name: "Ana", score: 10, placement: 1, won: true, forfeited: false, isBot: false, words: [{ prompt: "apple", verdict: "correct" }] }],
});

/** A store that records matchIds, refusing the `poison` ones (a TypeError: not an outage) or failing all while `down`. */
function fakeStore() {
  const state = { written: [] as string[], poison: new Set<string>(), down: false, calls: new Map<string, number>() };
  const store = {
    async recordMatch(r: MatchResult) {
      state.calls.set(r.matchId, (state.calls.get(r.matchId) ?? 0) + 1);
      if (state.down) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:27017"), { name: "MongoServerSelectionError" });
      if (state.poison.has(r.matchId)) throw new TypeError("Cannot read properties of undefined (reading 'userId')");
      if (state.written.includes(r.matchId)) return false;
      state.written.push(r.matchId);
      return true;
    },
    async resumePending() {
      return 0;
    },
  };
  return { state, store: store as unknown as Store };
}

function recorder(store: Store, dir = mkdtempSync(join(tmpdir(), "ll-rec-"))) {
  const outbox = join(dir, "outbox.jsonl");
  const dead = join(dir, "dead.jsonl");
  const rec = new ResultRecorder(store, new FileOutbox(outbox), new DeadLetters(dead), pino({ level: "silent" }), { writeTimeoutMs: 500, retryMs: 10 });
  return { rec, dir, outbox, dead };
}

describe("results recorder: nothing blocks the queue, nothing is lost", () => {
  it("tells outages from refusals", () => {
    assert.equal(isOutage(Object.assign(new Error("x"), { name: "MongoNetworkError" })), true);
    assert.equal(isOutage(Object.assign(new Error("x"), { code: "ECONNRESET" })), true);
    assert.equal(isOutage(Object.assign(new Error("not primary"), { name: "MongoServerError", code: 10107 })), true);
    assert.equal(isOutage(new TypeError("Cannot read properties of undefined")), false);
    assert.equal(isOutage(Object.assign(new Error("document too large"), { name: "MongoServerError", code: 10334 })), false);
    assert.equal(isOutage(undefined), false);
  });

  it("puts a result the store keeps refusing aside after a few tries, and writes the ones behind it", async () => {
    const { state, store } = fakeStore();
    const { rec, dead } = recorder(store);
    await rec.start();
    state.poison.add("bad");
    await rec.record(result("bad"));
    await rec.record(result("next"));
    await rec.record(result("last"));
    await waitUntil(() => rec.deadLetterCount === 1 && rec.outboxCount === 0, "the refused result to be put aside and the queue to drain");
    assert.equal(state.calls.get("bad"), PERMANENT_ATTEMPTS);
    assert.deepEqual(state.written, ["next", "last"], "in order, behind the refused one");
    const letter = JSON.parse(readFileSync(dead, "utf8").trim());
    assert.equal(letter.matchId, "bad");
    assert.match(letter.reason, /Cannot read properties/);
    assert.equal(letter.result.matchId, "bad", "the whole result is kept for a replay");
    await rec.stop();
  });

  it("keeps results through an outage without putting any aside, in order", async () => {
    const { state, store } = fakeStore();
    const { rec } = recorder(store);
    await rec.start();
    state.down = true;
    await rec.record(result("a"));
    await rec.record(result("b"));
    await waitUntil(() => (state.calls.get("a") ?? 0) >= PERMANENT_ATTEMPTS + 2, "several retries of the outbox");
    assert.equal(rec.deadLetterCount, 0, "an outage is never a refusal");
    state.down = false;
    await waitUntil(() => rec.pendingCount === 0, "the outbox to drain once the store is back");
    assert.deepEqual(state.written, ["a", "b"]);
    await rec.stop();
  });

  it("puts a malformed result aside at once", async () => {
    const { state, store } = fakeStore();
    const { rec } = recorder(store);
    await rec.start();
    await rec.record({ ...result("broken"), players: [{ name: "no account" }] } as unknown as MatchResult);
    assert.equal(rec.deadLetterCount, 1);
    assert.equal(state.calls.size, 0, "never sent to the store");
    await rec.stop();
  });

  it("replays dead letters once the cause is fixed; they survive a restart until then", async () => {
    const { state, store } = fakeStore();
    const first = recorder(store);
    await first.rec.start();
    state.poison.add("bad");
    await first.rec.record(result("bad"));
    await waitUntil(() => first.rec.deadLetterCount === 1, "the result to be put aside");
    await first.rec.stop();

    const again = recorder(store, first.dir);
    await again.rec.start();
    assert.deepEqual(again.rec.listDeadLetters().map((d) => d.matchId), ["bad"], "read back after a restart");
    assert.deepEqual(await again.rec.replayDeadLetters(), { replayed: [], failed: [{ matchId: "bad", reason: "Cannot read properties of undefined (reading 'userId')" }] });
    state.poison.clear();
    assert.deepEqual((await again.rec.replayDeadLetters(["bad"])).replayed, ["bad"]);
    assert.equal(again.rec.deadLetterCount, 0);
    assert.equal(readFileSync(again.dead, "utf8"), "", "the file is rewritten without it");
    assert.deepEqual(state.written, ["bad"]);
    await again.rec.stop();
  });
});
