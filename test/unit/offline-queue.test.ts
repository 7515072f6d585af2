/**
 * Offline practice's pure parts, without a browser or a socket: the queue on IndexedDB
 * (fake-indexeddb), what a sync does with each kind of answer, that each practice is sent
 * once however the runs and the tabs meet, the practice's judging and times, and the update
 * banner's states.
 */
import "fake-indexeddb/auto";
import { strict as assert } from "node:assert";
import { LinguaLeapError } from "../../client-sdk/errors";
import type { LessonPack, OfflinePractice, OfflineReceipt } from "../../server/http/api.types";
import type { Direction } from "../../rooms/word-duel/messages";
import { lazyDb, openOfflineDb } from "../../web/src/offline/offline-db";
import { KeptLessons } from "../../web/src/offline/kept-lessons";
import { newPracticeId, PracticeQueue } from "../../web/src/offline/queue";
import { decide, learnerOf, OfflineSync, originLock, type SyncDeps, type SyncEvent } from "../../web/src/offline/sync";
import { answerTime, holdFor, judge, practiceOf, practiceWords, totalXp } from "../../web/src/offline/practice.rules";
import { MAX_ANSWER_MS, MIN_ANSWER_MS } from "../../rooms/word-duel/offline.rules";
import { AppUpdates, type RegisterOptions } from "../../web/src/pwa/updates";

/*
 * fake-indexeddb/auto puts an `indexedDB` on the global for the whole mocha process, and
 * colyseus.js keeps its auth token in IndexedDB whenever it sees one: every test client made
 * after this file loaded would then have its token overwritten by an asynchronous read of an
 * empty store (AUTH_MISSING_TOKEN in unrelated room tests). So the global is there only while
 * the suites below that use it run; the IDB* classes idb checks against may stay.
 */
const fakeIndexedDb = globalThis.indexedDB;
Reflect.deleteProperty(globalThis, "indexedDB");
function withFakeIndexedDb(): void {
  before(() => Object.defineProperty(globalThis, "indexedDB", { value: fakeIndexedDb, configurable: true, writable: true }));
  after(() => Reflect.deleteProperty(globalThis, "indexedDB"));
}

let dbCount = 0;
/** A fresh database per test: fake-indexeddb keeps them for the whole process. */
const freshDb = () => lazyDb(`offline-test-${++dbCount}`);

function practice(id: string, lessonId = "es-food"): OfflinePractice {
  return { id, lessonId, direction: "en-target", startedAt: 1_000, finishedAt: 9_000, answers: [{ prompt: "apple", answer: "manzana", ms: 1200 }] };
}

const entry = (id: string, learner?: string) => ({ practice: practice(id), learner, lessonTitle: "Food", localXp: 10 });

describe("offline practice: the queue (IndexedDB)", () => {
  withFakeIndexedDb();
  it("keeps a practice on the device once added, as it was, and adding it again changes nothing", async () => {
    const name = `offline-test-${++dbCount}`;
    const queue = new PracticeQueue(lazyDb(name));
    await queue.add(entry("a", "u1"), 100);
    await queue.add({ ...entry("a", "u1"), localXp: 99 }, 200);
    // Read through a connection of its own: it is in the database, not in this object.
    const other = await openOfflineDb(name);
    const rows = await other.getAll("queue");
    other.close();
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0], { ...entry("a", "u1"), id: "a", queuedAt: 100, tries: 0 });
  });

  it("hands out the oldest practice of the learner, counts tries, removes", async () => {
    const queue = new PracticeQueue(freshDb());
    await queue.add(entry("late", "u1"), 300);
    await queue.add(entry("other", "u2"), 100);
    await queue.add(entry("early", "u1"), 200);
    await queue.add(entry("anyone"), 400);
    assert.equal((await queue.next("u1"))?.id, "early");
    assert.equal((await queue.next("u2"))?.id, "other");
    assert.equal((await queue.next("u3"))?.id, "anyone", "one played before a learner was known is anyone's");
    assert.equal(await queue.count("u1"), 3);
    assert.equal(await queue.count(), 4);
    await queue.tried("early");
    await queue.tried("early");
    assert.equal((await queue.get("early"))?.tries, 2);
    await queue.remove("early");
    assert.equal((await queue.next("u1"))?.id, "late");
    await queue.tried("gone");
    assert.equal(await queue.get("gone"), undefined, "a try on a removed practice does not bring it back");
  });

  it("makes v4 UUIDs with crypto.randomUUID, else getRandomValues, else the rng", () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(newPracticeId(), v4);
    assert.equal(newPracticeId({ randomUUID: () => "from-the-browser", getRandomValues: (a) => a }), "from-the-browser");
    const noUuid = { getRandomValues: <T extends ArrayBufferView | null>(a: T) => globalThis.crypto.getRandomValues(a as unknown as Uint8Array) as unknown as T };
    const ids = new Set(Array.from({ length: 50 }, () => newPracticeId(noUuid)));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, v4);
    assert.match(newPracticeId(undefined, () => 0.5), v4);
  });
});

describe("offline practice: what a sync does with each answer", () => {
  const receipt: OfflineReceipt = { id: "a", status: "recorded", xp: 10, capped: false, verdicts: ["correct"] };
  const cases: [string, unknown, ReturnType<typeof decide>][] = [
    ["a receipt", { receipt }, { action: "remove", because: "saved" }],
    ["a duplicate receipt", { receipt: { ...receipt, status: "duplicate" } }, { action: "remove", because: "saved" }],
    ["422 OFFLINE_TOO_OLD", { error: new LinguaLeapError("OFFLINE_TOO_OLD", "too old", 422) }, { action: "remove", because: "refused" }],
    ["400 BAD_REQUEST", { error: new LinguaLeapError("BAD_REQUEST", "answers: required", 400) }, { action: "remove", because: "refused" }],
    ["413 BODY_TOO_LARGE", { error: new LinguaLeapError("BODY_TOO_LARGE", "too large", 413) }, { action: "remove", because: "refused" }],
    ["NETWORK", { error: new LinguaLeapError("NETWORK", "could not reach") }, { action: "keep", until: "later" }],
    ["TIMEOUT", { error: new LinguaLeapError("TIMEOUT", "no answer") }, { action: "keep", until: "later" }],
    ["503 UNAVAILABLE", { error: new LinguaLeapError("UNAVAILABLE", "down", 503) }, { action: "keep", until: "later" }],
    ["500 INTERNAL", { error: new LinguaLeapError("INTERNAL", "oops", 500) }, { action: "keep", until: "later" }],
    ["429 RATE_LIMITED", { error: new LinguaLeapError("RATE_LIMITED", "slow down", 429) }, { action: "keep", until: "later" }],
    ["404 (a server without the route)", { error: new LinguaLeapError("NOT_FOUND", "no route", 404) }, { action: "keep", until: "later" }],
    ["401 AUTH_TOKEN_EXPIRED", { error: new LinguaLeapError("AUTH_TOKEN_EXPIRED", "expired", 401) }, { action: "keep", until: "signed-in" }],
    ["a plain Error", { error: new Error("boom") }, { action: "keep", until: "later" }],
  ];
  for (const [name, outcome, expected] of cases) {
    it(`${name} → ${expected.action} (${"because" in expected ? expected.because : expected.until})`, () => {
      assert.deepEqual(decide(outcome as Parameters<typeof decide>[0]), expected);
    });
  }

  it("reads the learner out of a token's subject, and nothing out of a bad one", () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    assert.equal(learnerOf(`${b64({ alg: "HS256" })}.${b64({ sub: "u-42", name: "Ana" })}.sig`), "u-42");
    assert.equal(learnerOf("not-a-token"), undefined);
    assert.equal(learnerOf(undefined), undefined);
    assert.equal(learnerOf("a.%%%.c"), undefined);
  });
});

/** A server that records each practice id once, with a switch for its network. */
class FakeServer {
  recorded = new Map<string, number>();
  sends: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  down = false;
  /** Record the next practice, then lose the answer (as a dropped connection does). */
  loseNextAnswer = false;
  refuse = new Set<string>();

  async send(p: OfflinePractice): Promise<OfflineReceipt> {
    this.sends.push(p.id);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      if (this.down) throw new LinguaLeapError("NETWORK", "could not reach the game server");
      if (this.refuse.has(p.id)) throw new LinguaLeapError("OFFLINE_IMPLAUSIBLE", "timings", 422);
      const duplicate = this.recorded.has(p.id);
      if (!duplicate) this.recorded.set(p.id, 10);
      if (this.loseNextAnswer) {
        this.loseNextAnswer = false;
        throw new LinguaLeapError("NETWORK", "the connection dropped");
      }
      return { id: p.id, status: duplicate ? "duplicate" : "recorded", xp: duplicate ? 0 : 10, capped: false, verdicts: ["correct"] };
    } finally {
      this.inFlight--;
    }
  }
}

/** One lock for every "tab" of a test, as navigator.locks is one per origin. */
function sharedLock(): SyncDeps["exclusive"] {
  let tail = Promise.resolve();
  return (job) => {
    const run = tail.then(job);
    tail = run.catch(() => undefined);
    return run;
  };
}

function syncFor(queue: PracticeQueue, server: FakeServer, over: Partial<SyncDeps> = {}) {
  const timers: { fn: () => void; ms: number }[] = [];
  const events: SyncEvent[] = [];
  const sync = new OfflineSync({
    queue,
    send: (p) => server.send(p),
    signedIn: () => true,
    learner: () => "u1",
    online: () => true,
    exclusive: sharedLock(),
    rng: () => 0.5,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => timers.splice(0),
    ...over,
  });
  sync.on((e) => events.push(e));
  return { sync, timers, events };
}

describe("offline practice: sync", () => {
  withFakeIndexedDb();
  it("sends the learner's practices oldest first, one at a time, and takes each out only after its receipt", async () => {
    const queue = new PracticeQueue(freshDb());
    for (const [i, id] of ["p1", "p2", "p3"].entries()) await queue.add(entry(id, "u1"), i);
    await queue.add(entry("theirs", "u2"), 10);
    const server = new FakeServer();
    const { sync, events } = syncFor(queue, server);
    await sync.now();
    assert.deepEqual(server.sends, ["p1", "p2", "p3"]);
    assert.equal(server.maxInFlight, 1);
    assert.deepEqual((await queue.all()).map((i) => i.id), ["theirs"], "another learner's practice waits for them");
    assert.deepEqual(events.map((e) => (e.kind === "settled" ? e.kind : `${e.kind}:${e.item.id}`)), ["saved:p1", "saved:p2", "saved:p3", "settled"]);
  });

  it("keeps a practice through an outage, retries with a growing wait, and sends it once when the network is back", async () => {
    const queue = new PracticeQueue(freshDb());
    await queue.add(entry("p1", "u1"), 0);
    const server = new FakeServer();
    server.down = true;
    const { sync, timers } = syncFor(queue, server);
    await sync.now();
    assert.equal((await queue.get("p1"))?.tries, 1);
    assert.deepEqual(timers.map((t) => t.ms), [5000]);
    // The planned retry runs by itself.
    const settled = new Promise<void>((resolve) => sync.on((e) => e.kind === "settled" && resolve()));
    timers.shift()!.fn();
    await settled;
    assert.equal((await queue.get("p1"))?.tries, 2);
    assert.deepEqual(timers.map((t) => t.ms), [10000], "the next wait doubles");
    server.down = false;
    await sync.now({ fresh: true });
    assert.deepEqual(server.sends, ["p1", "p1", "p1"]);
    assert.equal(server.recorded.size, 1);
    assert.equal(await queue.count(), 0);
  });

  it("an answer lost after the server recorded it: sent again, it is a duplicate and leaves the queue (recorded once)", async () => {
    const queue = new PracticeQueue(freshDb());
    await queue.add(entry("p1", "u1"), 0);
    const server = new FakeServer();
    server.loseNextAnswer = true;
    const { sync, events } = syncFor(queue, server);
    await sync.now();
    assert.equal(await queue.count(), 1, "no receipt: it stays");
    await sync.now({ fresh: true });
    assert.equal(await queue.count(), 0);
    assert.equal(server.recorded.size, 1);
    const saved = events.find((e) => e.kind === "saved");
    assert.equal(saved?.kind === "saved" && saved.receipt.status, "duplicate");
  });

  it("drops a refused practice and says why, then goes on with the next", async () => {
    const queue = new PracticeQueue(freshDb());
    await queue.add(entry("bad", "u1"), 0);
    await queue.add(entry("good", "u1"), 1);
    const server = new FakeServer();
    server.refuse.add("bad");
    const { sync, events, timers } = syncFor(queue, server);
    await sync.now();
    assert.equal(await queue.count(), 0);
    assert.deepEqual(timers, []);
    const refused = events.find((e) => e.kind === "refused");
    assert.equal(refused?.kind === "refused" && refused.code, "OFFLINE_IMPLAUSIBLE");
    assert.deepEqual([...server.recorded.keys()], ["good"]);
  });

  it("sends nothing offline, signed out, or with a token the server refused (until signed in again)", async () => {
    const queue = new PracticeQueue(freshDb());
    await queue.add(entry("p1", "u1"), 0);
    const server = new FakeServer();
    await syncFor(queue, server, { online: () => false }).sync.now();
    await syncFor(queue, server, { signedIn: () => false }).sync.now();
    assert.deepEqual(server.sends, []);
    const expired = syncFor(queue, { send: async () => { throw new LinguaLeapError("AUTH_TOKEN_EXPIRED", "expired", 401); } } as unknown as FakeServer);
    await expired.sync.now();
    assert.equal(await queue.count(), 1);
    assert.deepEqual(expired.timers, [], "no retry timer: signing in again syncs");
  });

  it("never runs twice at once: calls during a run make one more run; two tabs on one lock send each practice once", async () => {
    const db = freshDb();
    const queue = new PracticeQueue(db);
    for (let i = 0; i < 5; i++) await queue.add(entry(`p${i}`, "u1"), i);
    const server = new FakeServer();
    const lock = sharedLock();
    const tabA = syncFor(new PracticeQueue(db), server, { exclusive: lock });
    const tabB = syncFor(new PracticeQueue(db), server, { exclusive: lock });
    await Promise.all([tabA.sync.now(), tabA.sync.now(), tabB.sync.now(), tabA.sync.now(), tabB.sync.now()]);
    assert.equal(server.maxInFlight, 1);
    assert.deepEqual([...server.sends].sort(), ["p0", "p1", "p2", "p3", "p4"], "each practice sent exactly once");
    assert.equal(await queue.count(), 0);
  });

  it("runs jobs without a lock where the browser has no navigator.locks, and through it where it has", async () => {
    let ran = 0;
    await originLock(undefined)(async () => void ran++);
    const names: string[] = [];
    const locks = { request: async (name: string, job: () => Promise<void>) => { names.push(name); return job(); } } as unknown as LockManager;
    await originLock(locks)(async () => void ran++);
    assert.equal(ran, 2);
    assert.deepEqual(names, ["lingualeap.offline-sync"]);
  });
});

describe("offline practice: kept lessons", () => {
  withFakeIndexedDb();
  it("keeps a pack, replaces it only when its version changes, and keeps it when the server cannot be reached", async () => {
    const lessons = new KeptLessons(freshDb());
    let version = "v1";
    let fail = false;
    const source = { lessonPack: async (id: string) => { if (fail) throw new LinguaLeapError("NETWORK", "down"); return { ...PACK, id, version }; } };
    await lessons.keep(source, "es-test", 1);
    assert.equal(await lessons.refresh(source, 2), 0);
    version = "v2";
    assert.equal(await lessons.refresh(source, 3), 1);
    assert.equal((await lessons.get("es-test"))?.pack.version, "v2");
    fail = true;
    assert.equal(await lessons.refresh(source, 4), 0);
    assert.equal((await lessons.all()).length, 1);
    await lessons.remove("es-test");
    assert.deepEqual(await lessons.all(), []);
  });
});

const PACK: LessonPack = {
  id: "es-test",
  title: "Test",
  level: "A1",
  lang: "es",
  version: "v1",
  words: [
    { en: ["apple"], target: ["la manzana"] },
    { en: ["dog"], target: ["el perro"] },
    { en: ["year"], target: ["año"] },
    { en: ["cat"], target: ["gato"] },
  ],
  judging: {
    en: { lang: "en", articles: ["the", "a", "an", "to"], spellings: {} },
    target: { lang: "es", articles: ["el", "la", "un", "una"], agreement: [["el", "un"], ["la", "una"]], spellings: {}, words: ["ano", "pero", "manzana", "perro", "año", "gato"] },
  },
  xp: { correct: 10, almost: 5, dailyCap: 200 },
};

describe("offline practice: the rules (the server's judge on the pack)", () => {
  const question = (en: string, direction: Direction = "en-target") => practiceWords(PACK, direction, () => 0.3).find((w) => w.word.en[0] === en)!.question;

  it("asks each word of the lesson once, at most PRACTICE_WORDS, in the direction chosen", () => {
    const words = practiceWords(PACK, "target-en", Math.random);
    assert.equal(words.length, 4);
    assert.equal(new Set(words.map((w) => w.word.en[0])).size, 4);
    assert.equal(question("apple", "target-en").prompt, "la manzana");
    assert.equal(practiceWords(PACK, "en-target", Math.random, 2).length, 2);
  });

  it("judges as the server does, and the verdicts are worth the pack's XP", () => {
    assert.deepEqual(judge(question("apple"), "manzana", PACK.xp), { verdict: "correct", xp: 10 });
    assert.deepEqual(judge(question("apple"), "la manzana", PACK.xp), { verdict: "correct", xp: 10 });
    assert.deepEqual(judge(question("apple"), "el manzana", PACK.xp), { verdict: "almost", reason: "article", xp: 5 });
    assert.deepEqual(judge(question("apple"), "manzna", PACK.xp), { verdict: "almost", reason: "typo", xp: 5 });
    assert.deepEqual(judge(question("year"), "ano", PACK.xp), { verdict: "wrong", xp: 0 }, "a slip that makes another real word is wrong");
    assert.deepEqual(judge(question("dog"), "pero", PACK.xp), { verdict: "wrong", xp: 0 });
    assert.deepEqual(judge(question("dog"), "  ", PACK.xp), { verdict: "none", xp: 0 });
    assert.deepEqual(judge(question("apple", "target-en"), "an apple", PACK.xp), { verdict: "correct", xp: 10 });
    assert.equal(totalXp([{ xp: 10 }, { xp: 5 }, { xp: 0 }]), 15);
  });

  it("times answers within the server's bounds: held to MIN_ANSWER_MS, run out at MAX_ANSWER_MS", () => {
    assert.deepEqual(answerTime(1_000, 4_200), { ms: 3_200, timedOut: false });
    assert.deepEqual(answerTime(0, MAX_ANSWER_MS), { ms: MAX_ANSWER_MS, timedOut: false });
    assert.deepEqual(answerTime(0, MAX_ANSWER_MS + 1), { ms: MAX_ANSWER_MS, timedOut: true });
    assert.equal(holdFor("gato", 120), MIN_ANSWER_MS - 120);
    assert.equal(holdFor("gato", 900), 0);
    assert.equal(holdFor("", 10), 0, "no answer is never held");
    const p = practiceOf("id-1", PACK, "en-target", 5_000, 4_000, []);
    assert.equal(p.finishedAt, 5_000, "a clock stepping back never makes a practice end before it starts");
  });
});

describe("the installable app: updates offered", () => {
  function fakes() {
    const calls: RegisterOptions[] = [];
    let activated = 0;
    let reloads = 0;
    const changes: (() => void)[] = [];
    const register = (options: RegisterOptions) => {
      calls.push(options);
      return async () => void activated++;
    };
    const page = { reload: () => void reloads++, onControllerChange: (fn: () => void) => void changes.push(fn) };
    return { register, page, calls, changes, activated: () => activated, reloads: () => reloads };
  }

  it("registers once; offers a waiting version and activates it only when asked, once", async () => {
    const fake = fakes();
    const updates = new AppUpdates(fake.register, fake.page);
    const seen: boolean[] = [];
    updates.subscribe((s) => seen.push(s.waiting));
    updates.start();
    updates.start();
    assert.equal(fake.calls.length, 1);
    await updates.reload();
    assert.equal(fake.activated(), 0, "nothing waits: nothing to take");
    fake.calls[0].onNeedRefresh!();
    assert.equal(updates.state.waiting, true);
    await Promise.all([updates.reload(), updates.reload()]);
    assert.equal(fake.activated(), 1);
    assert.equal(updates.state.reloading, true);
    assert.deepEqual(seen, [true, true]);
    assert.equal(fake.reloads(), 0, "the page reloads when the new version is in control, not before");
  });

  it("reloads once when the new version takes control, whether workbox-window asks too or not", async () => {
    const fake = fakes();
    const updates = new AppUpdates(fake.register, fake.page);
    updates.start();
    fake.calls[0].onNeedRefresh!();
    await updates.reload();
    fake.changes.forEach((fn) => fn());
    fake.calls[0].onNeedReload!();
    assert.equal(fake.reloads(), 1);
  });

  it("says once that the game works offline, until dismissed", () => {
    const fake = fakes();
    const updates = new AppUpdates(fake.register, fake.page);
    updates.start();
    fake.calls[0].onOfflineReady!();
    assert.equal(updates.state.offlineReady, true);
    updates.dismissOfflineReady();
    assert.equal(updates.state.offlineReady, false);
  });
});
