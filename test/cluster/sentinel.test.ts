/**
 * Redis Sentinel failover under load (issue 10): two game processes find their Redis through
 * three Sentinels of the test's own (a primary and a replica on loopback ports, never the
 * machine's Redis). Learners play duels in a loop; the primary is killed with SIGKILL and the
 * Sentinels promote the replica; then the old primary is restarted (it comes back as a
 * replica) and a planned switchover (SENTINEL FAILOVER) makes it primary again. Each time:
 * a new pair of learners is in a round within 5 s of the promotion, and every result a
 * learner was shown ends up applied in MongoDB and in their XP (a ledger of every `result`
 * event, checked once the pending results have drained).
 */
import { strict as assert } from "node:assert";
import Redis from "ioredis";
import { MongoClient } from "mongodb";
import { LinguaLeapClient, type DuelResult, type DuelSession } from "../../client-sdk";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { startProcess, type ServerProcess } from "../helpers/processes";
import { redisCommand, startSentinelSet, type SentinelSet } from "../helpers/redis-sentinel";
import { answersFor, realDecks } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";

type Lang = "es" | "fr" | "de" | "it" | "pt";

interface Learner {
  name: string;
  ll: LinguaLeapClient;
  /** Every result this learner was shown: the ledger. */
  seen: { matchId: string; xp: number }[];
}

interface Figures {
  promotedMs: number;
  formedMs: number;
  attempts: number;
  seen: number;
  seenBefore: number;
  lost: string[];
  drainMs: number;
  streamLeft: number;
  fallbacks: number;
  errors: Record<string, number>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The line a process logs when a result waits in its own file because Redis is away. */
const FALLBACK_LINE = "outbox unavailable: the result waits in this process's file";

describe("cluster: Redis Sentinel promotes a replica when the primary goes", function () {
  this.timeout(60000);
  const dbName = freshDbName("sentinel");
  let set: SentinelSet | undefined;
  const procs: ServerProcess[] = [];
  /** Sessions still open: left at the end even when a test fails half-way. */
  const open = new Set<DuelSession>();
  let stopLoad = true;
  let loops: Promise<void>[] = [];
  let fallbacks = 0;

  before(async () => {
    set = await startSentinelSet({ masterName: "lingualeap", downAfterMs: 1000, failoverTimeoutMs: 5000 });
    const env = {
      // With REDIS_SENTINELS the URL's host is not used: it gives the DB index (and password, TLS).
      REDIS_URL: `redis://127.0.0.1:${set.primary.port}/13`,
      REDIS_SENTINELS: set.sentinelList,
      REDIS_SENTINEL_MASTER: set.masterName,
      MONGODB_URL: testMongoUrl(),
      MONGODB_DB: dbName,
      DUEL_ROUNDS: "2",
      DUEL_COUNTDOWN_MS: "0",
      DUEL_REVEAL_MS: "200",
      SHUTDOWN_GRACE_MS: "2000",
    };
    const started = await Promise.allSettled([startProcess(env), startProcess(env)]);
    for (const s of started) if (s.status === "fulfilled") procs.push(s.value);
    for (const s of started) if (s.status === "rejected") throw s.reason;
    for (const p of procs) p.child.stdout!.on("data", (chunk: Buffer) => (fallbacks += chunk.toString().split(FALLBACK_LINE).length - 1));
  });

  after(async () => {
    stopLoad = true;
    await withTimeout(Promise.allSettled(loops), 20000, "the duel loops to stop").catch(() => undefined);
    await Promise.allSettled([...open].map((s) => withTimeout(s.leave(), 2000, "leave")));
    await Promise.allSettled(procs.map((p) => p.stop()));
    await set?.stop();
    await dropTestDb(dbName);
  });

  /** Answers every round as it opens (and the one already open), once per round. */
  function autoAnswer(session: DuelSession, pick: (prompt: string) => string): void {
    let last = 0;
    const go = (round: number, prompt: string) => {
      if (round <= last) return;
      last = round;
      void session.answer(pick(prompt)).catch(() => undefined);
    };
    session.on("round", (r) => go(r.round, r.prompt));
    if (session.view?.phase === "round") go(session.view.round, session.view.prompt);
  }

  /** Joins a duel and keeps the ledger: every `result` it shows is written down at once. */
  async function seat(learner: Learner, lang: Lang, right: boolean): Promise<{ session: DuelSession; result: Promise<DuelResult> }> {
    const session = await learner.ll.joinDuel({ lang, mode: "typed" });
    open.add(session);
    session.on("closed", () => open.delete(session));
    const result = new Promise<DuelResult>((resolve) =>
      session.on("result", (r) => {
        const mine = r.standings.find((s) => s.sessionId === session.sessionId);
        learner.seen.push({ matchId: r.matchId, xp: mine?.xp ?? 0 });
        resolve(r);
      }),
    );
    const deck = realDecks().get(lang)!;
    autoAnswer(session, (prompt) => (right ? answersFor(deck, prompt)[0] : "zzz"));
    return { session, result };
  }

  /** One whole duel of a pair: `a` opens it (through its process), `b` joins (through its own). */
  async function duel(a: Learner, b: Learner, lang: Lang, onRound?: () => void): Promise<void> {
    const sessions: DuelSession[] = [];
    try {
      const sa = await seat(a, lang, true);
      sessions.push(sa.session);
      if (onRound) sa.session.on("round", onRound);
      const sb = await seat(b, lang, false);
      sessions.push(sb.session);
      if (sa.session.roomId !== sb.session.roomId) throw new Error("the pair was not seated together");
      await withTimeout(Promise.all([sa.result, sb.result]), 15000, `the ${lang} duel's result`);
    } finally {
      await Promise.allSettled(sessions.map((s) => withTimeout(s.leave(), 3000, "leave")));
    }
  }

  async function learner(name: string, http: string): Promise<Learner> {
    const ll = new LinguaLeapClient(http);
    await ll.signInAsGuest(name);
    return { name, ll, seen: [] };
  }

  /**
   * Pairs duel in a loop (each pair's two learners signed in on different processes) while
   * `fail()` moves the primary to port `to`; then a new pair asks for a duel until it is in a
   * round. Waits for every pair to finish a duel on the new primary and for pending results
   * to drain, and returns the figures and every learner's profile beside their ledger.
   */
  async function failoverUnderLoad(tag: string, loadLangs: Lang[], lateLang: Lang, fail: () => Promise<void>, to: number) {
    const [p1, p2] = procs;
    const errors = new Map<string, number>();
    const noteError = (err: unknown) => {
      const code = (err as { code?: string }).code ?? (err as Error).message.slice(0, 60);
      errors.set(code, (errors.get(code) ?? 0) + 1);
    };
    const pairs = await Promise.all(loadLangs.map(async (lang, i) => ({ lang, a: await learner(`Ana${tag}${i}`, p1.http), b: await learner(`Ben${tag}${i}`, p2.http) })));
    const late = { a: await learner(`Pia${tag}`, p2.http), b: await learner(`Quim${tag}`, p1.http) };
    const everyone = [...pairs.flatMap((p) => [p.a, p.b]), late.a, late.b];
    const resultsSeen = () => new Set(everyone.flatMap((l) => l.seen.map((s) => s.matchId))).size;
    const fallbacksBefore = fallbacks;

    stopLoad = false;
    loops = pairs.map(({ lang, a, b }) =>
      (async () => {
        while (!stopLoad) {
          await duel(a, b, lang).catch(noteError);
          // Room for the results to reach the test database (FerretDB records only a few a second).
          await pause(300);
        }
      })(),
    );
    await waitUntil(() => pairs.every((p) => p.a.seen.length >= 2), "the load to produce results", 20000, 20);

    const failedAt = Date.now();
    const seenBefore = resultsSeen();
    await fail();
    await waitUntil(async () => (await set!.masterPorts()).includes(to), `the Sentinels to name 127.0.0.1:${to} the primary`, 20000, 50);
    const promotedAt = Date.now();

    let roundAt = 0;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      try {
        await duel(late.a, late.b, lateLang, () => (roundAt ||= Date.now()));
        break;
      } catch (err) {
        noteError(err);
        if (roundAt || Date.now() - promotedAt > 15000) throw err;
        await pause(100);
      }
    }

    const before = new Map(pairs.map((p) => [p, p.a.seen.length]));
    await waitUntil(() => pairs.every((p) => p.a.seen.length > before.get(p)!), "every pair to finish a duel on the new primary", 15000, 20);
    stopLoad = true;
    await withTimeout(Promise.allSettled(loops), 20000, "the duel loops to stop");

    // Pending results drain (the stream on the new primary, and each process's file for the
    // seconds Redis was away); then every profile shows exactly what its learner was shown.
    const expected = everyone.map((l) => ({ name: l.name, xp: l.seen.reduce((n, s) => n + s.xp, 0), duels: l.seen.length, pendingXp: 0 }));
    const profile = async (l: Learner) => {
      const me = await l.ll.me();
      return { name: l.name, xp: me.xp, duels: me.duels, pendingXp: me.pendingXp };
    };
    const drainStart = Date.now();
    let profiles: Awaited<ReturnType<typeof profile>>[] = [];
    await waitUntil(
      async () => {
        profiles = await Promise.all(everyone.map(profile)).catch(() => profiles);
        return JSON.stringify(profiles) === JSON.stringify(expected);
      },
      "every learner's profile to show the results they saw",
      15000,
      250,
    ).catch(() => undefined);
    const drainMs = Date.now() - drainStart;

    // A result kept in a process's file as well as in the stream (its append was not
    // replicated in time) leaves its stream entry for the next pass of a writer.
    await waitUntil(async () => (await xlen(to)) === 0, "the stream to empty", 5000, 100).catch(() => undefined);
    const seen = [...new Set(everyone.flatMap((l) => l.seen.map((s) => s.matchId)))];
    const mongo = await MongoClient.connect(testMongoUrl());
    const recorded = await mongo.db(dbName).collection<{ _id: string; status: string }>("matches").find({ _id: { $in: seen } }).toArray();
    await mongo.close();
    const applied = new Set(recorded.filter((m) => m.status === "applied").map((m) => m._id));
    const figures: Figures = {
      promotedMs: promotedAt - failedAt,
      formedMs: roundAt - promotedAt,
      attempts,
      seen: seen.length,
      seenBefore,
      lost: seen.filter((id) => !applied.has(id)),
      drainMs,
      streamLeft: await xlen(to),
      fallbacks: fallbacks - fallbacksBefore,
      errors: Object.fromEntries(errors),
    };
    process.stdout.write(
      `      (promoted ${figures.promotedMs} ms after the primary went; a new pair in a round ${figures.formedMs} ms after the promotion (${attempts} attempt(s)); ` +
        `${figures.seen} results seen (${seenBefore} before), ${figures.lost.length} lost, ${figures.fallbacks} kept in a process's file meanwhile, ` +
        `drained ${drainMs} ms after the load stopped, ${figures.streamLeft} left in the stream; errors learners met: ${JSON.stringify(figures.errors)})\n`,
    );
    return { figures, profiles, expected };
  }

  function check({ figures, profiles, expected }: Awaited<ReturnType<typeof failoverUnderLoad>>): void {
    assert.ok(figures.formedMs >= 0 && figures.formedMs < 5000, `a new duel formed ${figures.formedMs} ms after the promotion (target < 5000)`);
    assert.deepEqual(figures.lost, [], "results shown to learners but not applied in MongoDB");
    assert.deepEqual(profiles, expected, "every learner's XP and duels are those of the results they saw");
    assert.equal(figures.streamLeft, 0, "no result left waiting in the stream");
  }

  it("kill -9 of the primary under load: duels form again within 5 s of the promotion, no result a learner saw is lost", async () => {
    const s = set!;
    check(await failoverUnderLoad("K", ["es", "fr", "de"], "pt", async () => void s.primary.child.kill("SIGKILL"), s.replica.port));
  });

  it("the old primary restarted comes back as a replica; a planned switchover (SENTINEL FAILOVER) back to it loses nothing either", async () => {
    const s = set!;
    const old = await s.restart(s.primary);
    await waitUntil(
      async () => {
        const info = String(await redisCommand(old.port, "INFO", "replication").catch(() => ""));
        return info.includes(`master_port:${s.replica.port}`) && info.includes("master_link_status:up");
      },
      "the restarted primary to replicate the new one",
      20000,
      100,
    );
    const failover = async () => {
      // Refused (NOGOODSLAVE) until the Sentinel has refreshed what it knows of the replica.
      await waitUntil(async () => (await redisCommand(s.sentinels[0].port, "SENTINEL", "FAILOVER", s.masterName).catch(() => "")) === "OK", "SENTINEL FAILOVER to be accepted", 15000, 200);
    };
    check(await failoverUnderLoad("S", ["es", "it"], "fr", failover, old.port));
  });
});

/** Entries left in the results stream (DB 13) on a node. */
async function xlen(port: number): Promise<number> {
  const client = new Redis({ host: "127.0.0.1", port, db: 13, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await client.xlen("lingualeap:results");
  } finally {
    client.disconnect();
  }
}
