/**
 * The results writer under faults that an outside review found (each failed before its fix):
 * half-applied results finished at start-up, a hung database, a long outage, an unreadable
 * entry. Fakes only, no services.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { ResultRecorder } from "../../server/results.service";
import { DeadLetters } from "../../server/DeadLetters";
import { type Outbox, type OutboxEntry } from "../../server/outbox";
import { FileOutbox } from "../../server/FileOutbox";
import { StoreHealth } from "../../server/store/health";
import type { MatchResult } from "../../rooms/shared/match-result";
import type { Store } from "../../server/store/store";
import { waitUntil } from "../helpers/wait";

const silent = pino({ level: "silent" });
/** How long a fake store's write takes (work being simulated, not a wait for an event). */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger that counts the writer's passes that found the store down (its "results wait" line). */
function stallCounter(): { log: pino.Logger; stalls: () => number } {
  let stalls = 0;
  const log = pino({ level: "warn" }, { write: (line: string) => void (line.includes("outbox: results wait for the store") && (stalls += 1)) });
  return { log, stalls: () => stalls };
}
const duel = (matchId: string, ...userIds: string[]): MatchResult => ({
  matchId, lang: "es", mode: "typed", practice: false, finishedAt: Date.now(),
  players: userIds.map((userId, i) => ({ userId, name: userId, score: 10 - i, placement: i + 1, won: i === 0, forfeited: false, isBot: false, words: [] })),
});
const tmp = () => mkdtempSync(join(tmpdir(), "ll-recf-"));

describe("results recorder under faults", () => {
  it("never writes one learner's documents twice at once, also while finishing half-applied results at start-up", async () => {
    // After a crash mid-apply, match M is pending in `matches` AND still in the outbox. At
    // start-up store.resumePending() re-applies M's plan (MongoStore.applyPlan: the learners'
    // progress documents) while the writer loop writes M again: both go through the locks.
    const busy = new Map<string, number>();
    let worst = 0;
    const touch = async (ids: string[], ms: number) => {
      for (const id of ids) {
        busy.set(id, (busy.get(id) ?? 0) + 1);
        worst = Math.max(worst, busy.get(id)!);
      }
      await sleep(ms);
      for (const id of ids) busy.set(id, busy.get(id)! - 1);
    };
    const store = {
      durable: true,
      async recordMatch(r: MatchResult) { await touch(r.players.map((p) => p.userId), 150); return true; },
      // The plan of M (ana and ben), applied through the recorder's serializer as MongoStore does.
      async resumePending(serialize: (ids: string[], write: () => Promise<void>) => Promise<void>) { await serialize(["ana", "ben"], () => touch(["ana", "ben"], 150)); return 1; },
    } as unknown as Store;
    const dir = tmp();
    const seed = new FileOutbox(join(dir, "outbox.jsonl"), silent);
    await seed.start();
    await seed.append(duel("M", "ana", "ben"));
    await seed.stop();
    const rec = new ResultRecorder(store, new FileOutbox(join(dir, "outbox.jsonl"), silent), undefined, new DeadLetters(join(dir, "dead.jsonl")), silent, { writeTimeoutMs: 1000, retryMs: 10 });
    await rec.start();
    await waitUntil(() => rec.pendingCount === 0, "M written", 3000);
    await rec.stop();
    assert.equal(worst, 1, `${worst} writes touched one learner's documents at once (resumePending outside the KeyedLocks)`);
  });

  it("does not pile up retries behind a write that hangs (a database that stopped answering: socketTimeoutMS is 30 s)", async () => {
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    let calls = 0;
    const store = {
      durable: true,
      async recordMatch() { calls += 1; await hung; return calls === 1; },
      async resumePending() { return 0; },
    } as unknown as Store;
    const dir = tmp();
    const passes = stallCounter();
    const rec = new ResultRecorder(store, new FileOutbox(join(dir, "outbox.jsonl"), silent), undefined, new DeadLetters(join(dir, "dead.jsonl")), passes.log, { writeTimeoutMs: 20, retryMs: 10 });
    await rec.start();
    await rec.record(duel("M", "ana", "ben"));
    // Six passes into the outage; a real one of an hour at 5 s a pass would queue ~720 per result.
    await waitUntil(() => passes.stalls() >= 6, "six writer passes during the outage", 10000);
    release();
    await waitUntil(() => rec.pendingCount === 0, "M written", 3000);
    await rec.stop();
    assert.ok(calls <= 2, `recordMatch(M) was queued ${calls} times behind the hung write (one more per pass, none dropped)`);
  });

  it("does not leave a StoreHealth waiter behind on every pause of a long outage", async () => {
    const store = {
      durable: true,
      async recordMatch() { throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }); },
      async resumePending() { throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }); },
      async ping() { throw new Error("down"); },
    } as unknown as Store;
    const health = new StoreHealth(store, silent);
    health.start();
    await waitUntil(() => !health.isUp, "health down");
    const dir = tmp();
    const passes = stallCounter();
    const rec = new ResultRecorder(store, new FileOutbox(join(dir, "outbox.jsonl"), silent), undefined, new DeadLetters(join(dir, "dead.jsonl")), passes.log, { writeTimeoutMs: 100, retryMs: 10 }, undefined, health);
    await rec.start();
    await rec.record(duel("M", "ana", "ben"));
    await waitUntil(() => passes.stalls() >= 4, "four paused passes of the outage", 10000);
    const first = health.whenUp();
    const at = passes.stalls();
    await waitUntil(() => passes.stalls() >= at + 2, "two more paused passes", 10000);
    const same = health.whenUp() === first;
    await rec.stop();
    health.stop();
    assert.ok(same, "every pause of one outage waits on one shared promise (no waiter left behind per pause)");
  });

  it("answers pending XP while an unreadable entry waits in the outbox (RedisOutbox.parse turns one into {unreadable})", async () => {
    const good = duel("M", "ana", "ben");
    const entries: OutboxEntry[] = [{ id: "1-0", result: good }, { id: "2-0", result: { unreadable: "{\"matchId\":" } as unknown as MatchResult }];
    const outbox: Outbox = {
      where: "fake stream", depth: 2,
      async start() {}, async append() {}, async next() { return []; }, async remove() {},
      async pending() { return entries.map((e) => e.result); }, async stop() {},
    };
    const store = { durable: true, async recordMatch() { return true; }, async resumePending() { return 0; } } as unknown as Store;
    const rec = new ResultRecorder(store, outbox, undefined, new DeadLetters(join(tmp(), "dead.jsonl")), silent, { writeTimeoutMs: 100, retryMs: 10 });
    const snap = await rec.snapshot();
    let xp: number | Error;
    try { xp = snap.xpFor("ana", []); } catch (err) { xp = err as Error; }
    let users: string[] | Error;
    try { users = snap.userIds(); } catch (err) { users = err as Error; }
    assert.ok(typeof xp === "number", `GET /api/me fails for every learner: ${xp}`);
    assert.ok(Array.isArray(users), `the guest reaper's snapshot fails: ${users}`);
  });
});
