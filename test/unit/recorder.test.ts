import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { isOutage, PERMANENT_ATTEMPTS, ResultRecorder } from "../../server/results.service";
import { KeyedLocks } from "../../server/KeyedLocks";
import { DeadLetters } from "../../server/DeadLetters";
import { type Outbox } from "../../server/outbox";
import { FileOutbox } from "../../server/FileOutbox";
import type { MatchResult } from "../../rooms/shared/match-result";
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

const silent = pino({ level: "silent" });

function recorder(store: Store, dir = mkdtempSync(join(tmpdir(), "ll-rec-")), opts: { writeTimeoutMs?: number; health?: ConstructorParameters<typeof ResultRecorder>[7] } = {}) {
  const outbox = join(dir, "outbox.jsonl");
  const dead = join(dir, "dead.jsonl");
  const rec = new ResultRecorder(store, new FileOutbox(outbox, silent), undefined, new DeadLetters(dead), silent, { writeTimeoutMs: opts.writeTimeoutMs ?? 500, retryMs: 10 }, undefined, opts.health);
  return { rec, dir, outbox, dead };
}

const duel = (matchId: string, ...userIds: string[]): MatchResult => ({
  ...result(matchId),
  practice: false,
  players: userIds.map((userId, i) => ({ userId, name: userId, score: 10 - i, placement: i + 1, won: i === 0, forfeited: false, isBot: false, words: [] })),
});

/** A slow store that notes how many writes touch each learner at once. */
function watchedStore(writeMs: number) {
  const busy = new Map<string, number>();
  const state = { worst: 0, written: [] as string[], gate: Promise.resolve() };
  const store = {
    durable: true,
    async recordMatch(r: MatchResult) {
      if (state.written.includes(r.matchId)) return false; // a store answers a known result at once
      const ids = r.players.map((p) => p.userId);
      for (const id of ids) {
        busy.set(id, (busy.get(id) ?? 0) + 1);
        state.worst = Math.max(state.worst, busy.get(id)!);
      }
      await state.gate;
      await new Promise((res) => setTimeout(res, writeMs));
      for (const id of ids) busy.set(id, busy.get(id)! - 1);
      state.written.push(r.matchId);
      return true;
    },
    async resumePending() {
      return 0;
    },
  };
  return { state, store: store as unknown as Store };
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

  it("never writes two results of one learner at once, even when a write times out, and keeps each learner's order", async () => {
    const { state, store } = watchedStore(30);
    const { rec } = recorder(store, undefined, { writeTimeoutMs: 10 }); // every first write "times out": its retry must wait for it
    await rec.start();
    const learners = ["ana", "ben", "cy", "dee"];
    const results = Array.from({ length: 24 }, (_, i) => duel(`m${i}`, learners[i % 4], learners[(i + 1) % 4]));
    await Promise.all(results.map((r) => rec.record(r)));
    await waitUntil(() => new Set(state.written).size === results.length && rec.pendingCount === 0, "every result written", 20000);
    assert.equal(state.worst, 1, "at most one write per learner at any moment");
    const firstWrite = (id: string) => state.written.indexOf(id);
    for (const who of learners) {
      const mine = results.filter((r) => r.players.some((p) => p.userId === who)).map((r) => firstWrite(r.matchId));
      assert.deepEqual(mine, [...mine].sort((a, b) => a - b), `${who}'s results in the order they finished`);
    }
    await rec.stop();
  });

  it("is durable before it resolves: the result is on disk while the store has not answered", async () => {
    const { state, store } = watchedStore(1);
    let open!: () => void;
    state.gate = new Promise<void>((r) => (open = r));
    const { rec, outbox } = recorder(store);
    await rec.start();
    await rec.record(duel("kept", "ana", "ben"));
    assert.equal(JSON.parse(readFileSync(outbox, "utf8").trim()).matchId, "kept", "fsynced in the outbox file");
    assert.deepEqual(state.written, [], "the store has not answered yet");
    assert.equal((await rec.snapshot()).xpFor("ana", []) > 0, true, "counted as pending XP meanwhile");
    open();
    await waitUntil(() => rec.pendingCount === 0, "the result written");
    assert.equal(readFileSync(outbox, "utf8"), "", "and removed from the outbox");
    await rec.stop();
  });

  it("retries at once when the store answers again, not after its backoff", async () => {
    const { state, store } = fakeStore();
    let up = false;
    const waiters: (() => void)[] = [];
    const health = { get isUp() { return up; }, whenUp: () => new Promise<void>((r) => waiters.push(r)), suspect: () => undefined };
    const { rec } = recorder(store, undefined, { health });
    await rec.start();
    state.down = true;
    await rec.record(result("late"));
    await waitUntil(() => (state.calls.get("late") ?? 0) >= 6, "the backoff to grow past a second");
    state.down = false;
    const back = Date.now();
    up = true;
    for (const w of waiters.splice(0)) w();
    await waitUntil(() => state.written.includes("late"), "the write once the store is back", 3000, 5);
    assert.ok(Date.now() - back < 500, `written ${Date.now() - back} ms after the store answered`);
    await rec.stop();
  });

  it("two processes configured with one outbox file lose nothing: the second writes beside it, and a later start adopts both", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ll-rec-share-"));
    const path = join(dir, "outbox.jsonl");
    const first = new FileOutbox(path, silent);
    const second = new FileOutbox(path, silent);
    await first.start();
    await second.start();
    assert.notEqual(second.where, first.where, "the second process does not write into the first one's file");
    await Promise.all([first.append(result("a1")), second.append(result("b1")), first.append(result("a2")), second.append(result("b2"))]);
    await first.remove(["a1"]);
    await first.stop();
    await second.stop();
    const later = new FileOutbox(path, silent);
    await later.start();
    assert.deepEqual((await later.pending()).map((r) => r.matchId).sort(), ["a2", "b1", "b2"]);
    await later.stop();
  });
});

describe("results writer: the outbox going away", () => {
  it("keeps writing after the outbox fails between the store's write and the removal", async () => {
    const { state, store } = fakeStore();
    const entries = new Map<string, MatchResult>();
    let failRemovals = 2;
    const outbox: Outbox = {
      where: "flaky test outbox",
      get depth() { return entries.size; },
      start: async () => undefined,
      stop: async () => undefined,
      append: async (r) => void entries.set(r.matchId, r),
      next: async (max) => [...entries.values()].slice(0, max).map((r) => ({ id: r.matchId, result: r })),
      remove: async (ids) => {
        if (failRemovals-- > 0) throw new Error("Connection is closed.");
        for (const id of ids) entries.delete(id);
      },
      pending: async () => [...entries.values()],
    };
    const rec = new ResultRecorder(store, outbox, undefined, new DeadLetters(join(mkdtempSync(join(tmpdir(), "ll-rec-")), "dead.jsonl")), silent, { writeTimeoutMs: 500, retryMs: 10 });
    await rec.start();
    await rec.record(result("first"));
    await waitUntil(() => entries.size === 0, "the first result removed once the outbox answers");
    await rec.record(result("second"));
    await waitUntil(() => entries.size === 0 && state.written.includes("second"), "the writer still running");
    assert.deepEqual(state.written, ["first", "second"], "each written once (a re-read one is skipped by matchId)");
    await rec.stop();
  });
});

describe("keyed locks", () => {
  it("runs tasks sharing a key one after another, in call order, and others in parallel", async () => {
    const locks = new KeyedLocks();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}-`);
    };
    await Promise.all([locks.run(["a"], task("1", 20)), locks.run(["b"], task("2", 5)), locks.run(["a", "b"], task("3", 1)), locks.run(["b"], task("4", 1))]);
    assert.deepEqual(log.slice(0, 2), ["1+", "2+"], "different keys run together");
    assert.ok(log.indexOf("3+") > log.indexOf("1-") && log.indexOf("3+") > log.indexOf("2-"), "a task waits for every key it holds");
    assert.ok(log.indexOf("4+") > log.indexOf("3-"), "in call order per key");
    assert.equal(locks.size, 0, "nothing left held");
  });

  it("a failing task releases its keys", async () => {
    const locks = new KeyedLocks();
    await assert.rejects(locks.run(["k"], async () => { throw new Error("boom"); }));
    assert.equal(await locks.run(["k"], async () => 7), 7);
  });
});
