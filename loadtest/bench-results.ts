/**
 * Results and leaderboards benchmark: for each board size N, seeds N learners onto a fresh
 * store, then times (1) recording duel results through Store.recordMatch, one after the
 * other, (2) top-10 queries and (3) around-me queries on the global all-time board.
 *
 *   npm run bench:results -- [--store memory|mongo] [--sizes 10000,100000,1000000]
 *     [--results 2000] [--queries 500] [--mongo-url URL] [--budget-s 300] [--warmup 10] [--seed 1]
 *
 * --store mongo without --mongo-url starts .tools/ferretdb (FerretDB on SQLite, built by
 * `bash test/infra/ensure-ferretdb.sh`) on a free 127.0.0.1 port with a temporary directory
 * and stops it at the end. --mongo-url must point at a loopback address; every size uses a
 * fresh database there, dropped afterwards.
 *
 * Bounded: every loop has a fixed count, and each timed phase also stops early once it has
 * run --budget-s seconds (the table then shows done/planned and marks the row). Exits
 * non-zero on any error. See docs/benchmarks.md for figures.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MongoClient, type Db } from "mongodb";
import type { MatchPlayer, MatchResult } from "../rooms/word-duel/services";
import { AROUND_SPAN, before, type BoardRef } from "../server/boards";
import { levelForXp, type Progress } from "../server/progress.rules";
import { MemoryStore } from "../server/store/MemoryStore";
import { MongoStore } from "../server/store/MongoStore";
import type { SortedBoard } from "../server/store/SortedBoard";
import type { Store, UserRecord } from "../server/store/store";
import { startFerretDb, type FerretDbProcess } from "../test/infra/ferretdb-process";
import { seededRng } from "../test/helpers/rng";

const ROOT = path.resolve(__dirname, "..");
const FERRETDB = path.join(ROOT, ".tools", "ferretdb");
const GLOBAL: BoardRef = { board: "global", period: "alltime" };
const LANG = "es";
const ROUNDS = 10; // DUEL_ROUNDS default
const WORD_POOL = 300; // distinct prompts duels draw from
const MAX_XP_STEPS = 20_000; // seeded XP is 5 × 0..20000: 0..100000 with ties
const INSERT_BATCH = 10_000;
const PROGRESS_EVERY_MS = 15_000;

const USAGE = `usage: npm run bench:results -- [--store memory|mongo] [--sizes 10000,100000,1000000]
  [--results 2000] [--queries 500] [--mongo-url mongodb://127.0.0.1:27017/] [--budget-s 300] [--warmup 10] [--seed 1]`;

interface Options {
  store: "memory" | "mongo";
  sizes: number[];
  results: number;
  queries: number;
  mongoUrl?: string;
  budgetS: number;
  warmup: number;
  seed: number;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const opts: Options = { store: "memory", sizes: [10_000, 100_000, 1_000_000], results: 2000, queries: 500, budgetS: 300, warmup: 10, seed: 1 };
  const count = (flag: string, v: string, min: number) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} takes a whole number ≥ ${min}, got "${v}"`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--store": {
        const v = value();
        if (v !== "memory" && v !== "mongo") throw new UsageError(`--store is memory or mongo, got "${v}"`);
        opts.store = v;
        break;
      }
      case "--sizes":
        opts.sizes = value().split(",").map((s) => count("--sizes", s.trim().replace(/_/g, ""), 2));
        break;
      case "--results":
        opts.results = count(flag, value(), 1);
        break;
      case "--queries":
        opts.queries = count(flag, value(), 1);
        break;
      case "--budget-s":
        opts.budgetS = count(flag, value(), 1);
        break;
      case "--warmup":
        opts.warmup = count(flag, value(), 0);
        break;
      case "--seed":
        opts.seed = count(flag, value(), 0);
        break;
      case "--mongo-url":
        opts.mongoUrl = value();
        break;
      case "-h":
      case "--help":
        console.log(USAGE);
        process.exit(0);
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if (opts.mongoUrl !== undefined) {
    if (opts.store !== "mongo") throw new UsageError("--mongo-url goes with --store mongo");
    assertLoopback(opts.mongoUrl);
  }
  return opts;
}

/** The bench writes and drops databases: only a server on this machine's loopback may be used. */
function assertLoopback(url: string): void {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^/?]+)/.exec(url);
  if (!m) throw new UsageError(`--mongo-url must look like mongodb://127.0.0.1:27017/ (mongodb+srv is not loopback)`);
  for (const hostPort of m[1].split(",")) {
    const host = hostPort.startsWith("[") ? hostPort.slice(1, hostPort.indexOf("]")) : hostPort.split(":")[0];
    const loopback = host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
    if (!loopback) throw new UsageError(`--mongo-url must name only loopback hosts (127.x.x.x, localhost, [::1]); "${host}" is not`);
  }
}

// ---------------------------------------------------------------------------------------
// Randomness, learners, results


type Rng = () => number;

const pick = (rng: Rng, n: number) => Math.floor(rng() * n);

function uuid(rng: Rng): string {
  let hex = "";
  for (let i = 0; i < 4; i++) hex += Math.floor(rng() * 2 ** 32).toString(16).padStart(8, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface Learner {
  id: string;
  name: string;
  xp: number;
  rating: number;
  duels: number;
}

function makeLearners(n: number, rng: Rng): Learner[] {
  const learners: Learner[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const xp = 5 * pick(rng, MAX_XP_STEPS + 1);
    learners[i] = { id: uuid(rng), name: `Learner ${i + 1}`, xp, rating: 800 + pick(rng, 1201), duels: Math.floor(xp / 60) };
  }
  return learners;
}

const userRecord = (l: Learner, createdAt: number): UserRecord => ({ id: l.id, name: l.name, guest: true, timeZone: "UTC", createdAt });

/** The learner's progress as if their XP came from duels in LANG in earlier weeks. */
function seededProgress(l: Learner): Progress {
  return {
    userId: l.id, xp: l.xp, level: levelForXp(l.xp), streak: 0, lastPlayedDay: "", ratings: { [LANG]: l.rating },
    xpByLang: { [LANG]: l.xp }, weekly: {}, duels: l.duels, wins: Math.floor(l.duels / 2), words: {}, applied: [],
  };
}

/** The all-time boards a seeded learner is on, with their score there. */
function seededBoards(): { ref: BoardRef; score: (l: Learner) => number }[] {
  return [
    { ref: GLOBAL, score: (l) => l.xp },
    { ref: { board: LANG, period: "alltime" }, score: (l) => l.xp },
    { ref: { board: `rating-${LANG}`, period: "alltime" }, score: (l) => l.rating },
  ];
}

type Verdict = MatchPlayer["words"][number]["verdict"];
const VERDICTS: Verdict[] = ["correct", "correct", "correct", "almost", "wrong", "none"];

/** A real two-player duel result between two existing learners, finished now. */
function duelResult(a: Learner, b: Learner, rng: Rng, seq: number): MatchResult {
  const prompts = Array.from({ length: ROUNDS }, () => `palabra ${pick(rng, WORD_POOL)}`);
  const line = (l: Learner) => {
    const words = prompts.map((prompt) => ({ prompt, verdict: VERDICTS[pick(rng, VERDICTS.length)] }));
    const score = words.reduce((s, w) => s + (w.verdict === "correct" ? 100 : w.verdict === "almost" ? 50 : 0), 0);
    return { l, words, score };
  };
  const [pa, pb] = [line(a), line(b)];
  const player = (p: typeof pa, other: typeof pa): MatchPlayer => ({
    userId: p.l.id, name: p.l.name, score: p.score, placement: p.score >= other.score ? 1 : 2, won: p.score > other.score,
    forfeited: false, isBot: false, words: p.words,
  });
  return {
    matchId: `bench-${seq}-${uuid(rng)}`, lang: LANG, mode: rng() < 0.5 ? "typed" : "choice", practice: false, finishedAt: Date.now(),
    players: [player(pa, pb), player(pb, pa)],
  };
}

// ---------------------------------------------------------------------------------------
// Timing

const nowNs = () => process.hrtime.bigint();
const msSince = (t0: bigint) => Number(nowNs() - t0) / 1e6;

/** Nearest-rank percentile of unsorted samples (p in 0..100). */
function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Phase {
  planned: number;
  done: number;
  totalMs: number;
  p50: number;
  p99: number;
  truncated: boolean;
}

/**
 * Runs `op` `warmup` times untimed, then `count` times timed, one after the other; stops
 * early (keeping at least one timed sample) once the phase has run `budgetMs`.
 */
async function measure(label: string, count: number, warmup: number, budgetMs: number, op: (i: number) => Promise<void>): Promise<Phase> {
  const phaseStart = nowNs();
  let lastNote = Date.now();
  const over = () => msSince(phaseStart) > budgetMs;
  for (let i = 0; i < warmup && !over(); i++) await op(-1 - i);
  const samples: number[] = [];
  const start = nowNs();
  let truncated = false;
  for (let i = 0; i < count; i++) {
    if (i > 0 && over()) {
      truncated = true;
      break;
    }
    const t0 = nowNs();
    await op(i);
    samples.push(msSince(t0));
    if (Date.now() - lastNote > PROGRESS_EVERY_MS) {
      lastNote = Date.now();
      note(`  ${label}: ${i + 1}/${count} in ${(msSince(start) / 1000).toFixed(1)} s`);
    }
  }
  const totalMs = msSince(start);
  return { planned: count, done: samples.length, totalMs, p50: percentile(samples, 50), p99: percentile(samples, 99), truncated };
}

const note = (msg: string) => console.error(msg);

// ---------------------------------------------------------------------------------------
// Seeding

interface Seeded {
  store: Store;
  seedMs: number;
  how: string;
  cleanup(): Promise<void>;
}

/** MemoryStore's private parts this bench writes through (checked at run time). */
interface MemoryInternals {
  progressByUser: Map<string, Progress>;
  board(ref: BoardRef): SortedBoard;
}

/**
 * Memory: users through createUser; progress and board rows written straight into the
 * store's maps, each board filled in its own order so every SortedBoard.set appends
 * (recordMatch would insert each row with an O(n) splice: ~n²/2 moves at a million).
 */
async function seedMemory(learners: Learner[]): Promise<Seeded> {
  const t0 = nowNs();
  const store = new MemoryStore();
  const inner = store as unknown as MemoryInternals;
  if (!(inner.progressByUser instanceof Map) || typeof inner.board !== "function") {
    throw new Error("MemoryStore no longer has progressByUser/board(): update seedMemory in loadtest/bench-results.ts");
  }
  const createdAt = Date.now();
  for (const l of learners) {
    await store.createUser(userRecord(l, createdAt));
    inner.progressByUser.set(l.id, seededProgress(l));
  }
  for (const { ref, score } of seededBoards()) {
    const rows = learners.map((l) => ({ userId: l.id, name: l.name, score: score(l) }));
    rows.sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
    const board = inner.board(ref);
    for (const r of rows) board.set(r.userId, r.name, r.score);
    if (board.size !== learners.length) throw new Error(`seeding ${ref.board}: ${board.size} rows, expected ${learners.length}`);
  }
  const seedMs = msSince(t0);
  const how = `createUser ×${learners.length}; progress and 3 all-time boards (global, ${LANG}, rating-${LANG}) written into MemoryStore's maps in board order (SortedBoard.set appends)`;
  return { store, seedMs, how, cleanup: async () => undefined };
}

/**
 * MongoDB: bulk insertMany of users, progress and leaderboards documents in the shapes
 * MongoStore writes, into a fresh database; then MongoStore.connect builds its indexes on
 * the loaded data (counted in the seed time).
 */
async function seedMongo(url: string, learners: Learner[], n: number): Promise<Seeded> {
  const dbName = `bench_results_${n}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(dbName);
  const drop = async () => {
    await db.dropDatabase().catch((err) => note(`could not drop database ${dbName}: ${(err as Error).message}`));
    await client.close();
  };
  try {
    const t0 = nowNs();
    const createdAt = Date.now();
    let inserted = 0;
    let lastNote = Date.now();
    const load = async (collection: string, make: (l: Learner) => object[]) => {
      let batch: object[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await db.collection(collection).insertMany(batch as never[], { ordered: false });
        inserted += batch.length;
        batch = [];
        if (Date.now() - lastNote > PROGRESS_EVERY_MS) {
          lastNote = Date.now();
          note(`  seed: ${inserted} documents in ${(msSince(t0) / 1000).toFixed(1)} s (${collection})`);
        }
      };
      for (const l of learners) {
        batch.push(...make(l));
        if (batch.length >= INSERT_BATCH) await flush();
      }
      await flush();
    };
    await load("users", (l) => [{ ...userRecord(l, createdAt), _id: l.id }]);
    await load("progress", (l) => {
      const { level: _level, ...progress } = seededProgress(l);
      return [{ ...progress, _id: l.id }];
    });
    await load("leaderboards", (l) => seededBoards().map(({ ref, score }) => ({ board: ref.board, period: ref.period, userId: l.id, name: l.name, score: score(l) })));
    const insertMs = msSince(t0);
    const t1 = nowNs();
    const store = await MongoStore.connect(url, dbName);
    const indexMs = msSince(t1);
    const seedMs = msSince(t0);
    const how =
      `insertMany (batches of ${INSERT_BATCH}) of ${inserted} documents (users, progress, leaderboards on global, ${LANG}, rating-${LANG}) ` +
      `in ${(insertMs / 1000).toFixed(1)} s, then MongoStore.connect built its indexes in ${(indexMs / 1000).toFixed(1)} s`;
    return { store, seedMs, how, cleanup: drop };
  } catch (err) {
    await drop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// FerretDB, when --store mongo has no --mongo-url

type Ferret = FerretDbProcess;

let ferret: Ferret | undefined;

/** Synchronous, so it also works from the "exit" event. */
function killFerretNow(): void {
  const f = ferret;
  ferret = undefined;
  f?.killNow();
}

async function startFerret(): Promise<Ferret> {
  if (!fs.existsSync(FERRETDB)) {
    throw new Error(
      `${path.relative(ROOT, FERRETDB)} is missing: run \`bash test/infra/ensure-ferretdb.sh\` (needs Go) to build it, ` +
        "or pass --mongo-url mongodb://127.0.0.1:<port>/ for a MongoDB server on this machine",
    );
  }
  process.once("exit", killFerretNow);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
      killFerretNow();
      process.exit(code);
    });
  }
  // startFerretDb kills ferretdb and removes its directory itself if it does not come up.
  return startFerretDb({
    binary: FERRETDB,
    dirPrefix: "lingualeap-bench-ferretdb-",
    readyTimeoutMs: 30_000,
    onSpawn: (f) => (ferret = f), // so the exit and signal hooks stop it while it starts
  });
}

// ---------------------------------------------------------------------------------------
// One board size

interface Row {
  store: string;
  n: number;
  seedMs: number;
  record: Phase;
  top: Phase;
  around: Phase;
  ranks: { min: number; max: number; mean: number };
}

async function benchSize(opts: Options, n: number, mongoUrl: string | undefined, storeLabel: string): Promise<Row> {
  const rng = seededRng(opts.seed * 1_000_003 + n);
  const learners = makeLearners(n, rng);
  note(`\n== ${storeLabel}, N = ${n.toLocaleString("en")} learners: seeding…`);
  const seeded = mongoUrl ? await seedMongo(mongoUrl, learners, n) : await seedMemory(learners);
  const { store } = seeded;
  try {
    note(`  seeded in ${(seeded.seedMs / 1000).toFixed(1)} s: ${seeded.how}`);
    const budgetMs = opts.budgetS * 1000;
    const other = (a: number) => (a + 1 + pick(rng, n - 1)) % n; // a random learner that is not a

    let seq = 0;
    const record = await measure("record", opts.results, opts.warmup, budgetMs, async () => {
      const a = pick(rng, n);
      const applied = await store.recordMatch(duelResult(learners[a], learners[other(a)], rng, seq++));
      if (!applied) throw new Error("recordMatch answered false for a new matchId");
    });
    note(`  record: ${record.done} results in ${(record.totalMs / 1000).toFixed(1)} s`);

    const top = await measure("top10", opts.queries, opts.warmup, budgetMs, async () => {
      const rows = await store.top(GLOBAL, 10);
      if (rows.length !== Math.min(10, n)) throw new Error(`top(10) gave ${rows.length} rows`);
      for (let i = 1; i < rows.length; i++) if (rows[i].score > rows[i - 1].score) throw new Error("top(10) is not sorted by score");
    });
    note(`  top10: ${top.done} queries in ${(top.totalMs / 1000).toFixed(1)} s`);

    const ranks = { min: Infinity, max: -Infinity, sum: 0, count: 0 };
    const around = await measure("around", opts.queries, opts.warmup, budgetMs, async (i) => {
      const me = learners[pick(rng, n)];
      const rows = await store.around(GLOBAL, me.id, AROUND_SPAN);
      const mine = rows?.find((r) => r.userId === me.id);
      if (!rows || !mine) throw new Error(`around() did not find learner ${me.id}`);
      if (rows.length > 2 * AROUND_SPAN + 1 || rows.some((r, k) => r.rank !== rows[0].rank + k)) throw new Error("around() ranks are not consecutive");
      if (i < 0) return; // warm-up
      ranks.min = Math.min(ranks.min, mine.rank);
      ranks.max = Math.max(ranks.max, mine.rank);
      ranks.sum += mine.rank;
      ranks.count++;
    });
    note(`  around: ${around.done} queries in ${(around.totalMs / 1000).toFixed(1)} s, ranks ${ranks.min}..${ranks.max}`);
    const row: Row = { store: storeLabel, n, seedMs: seeded.seedMs, record, top, around, ranks: { min: ranks.min, max: ranks.max, mean: ranks.sum / ranks.count } };
    console.log(table([row]));
    return row;
  } finally {
    await store.close();
    await seeded.cleanup();
  }
}

// ---------------------------------------------------------------------------------------
// Output

function ms(v: number): string {
  if (!Number.isFinite(v)) return "—";
  if (v < 1) return v.toFixed(3);
  if (v < 10) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return v.toFixed(0);
}

/** Per-second rate: whole numbers from 100 up, else 3 significant digits (0.0076). */
const rate = (v: number) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));

const count = (p: Phase) => (p.truncated ? `${p.done}/${p.planned}*` : `${p.done}`);

function table(rows: Row[]): string {
  const head = ["store", "N", "seed s", "results", "record/s", "record p50/p99 ms", "queries", "top10 p50/p99 ms", "around p50/p99 ms", "around ranks"];
  const body = rows.map((r) => [
    r.store,
    r.n.toLocaleString("en"),
    (r.seedMs / 1000).toFixed(1),
    count(r.record),
    rate(r.record.done / (r.record.totalMs / 1000)),
    `${ms(r.record.p50)} / ${ms(r.record.p99)}`,
    r.top.done === r.around.done && !r.top.truncated && !r.around.truncated ? `${r.top.done}` : `top ${count(r.top)}, around ${count(r.around)}`,
    `${ms(r.top.p50)} / ${ms(r.top.p99)}`,
    `${ms(r.around.p50)} / ${ms(r.around.p99)}`,
    `${r.ranks.min.toLocaleString("en")}–${r.ranks.max.toLocaleString("en")}`,
  ]);
  const lines = [head, ...body].map((cells) => `| ${cells.join(" | ")} |`);
  lines.splice(1, 0, `|${head.map(() => "---").join("|")}|`);
  const notes = rows.some((r) => r.record.truncated || r.top.truncated || r.around.truncated) ? "\n* stopped early: the phase reached --budget-s" : "";
  return lines.join("\n") + notes;
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  let started: Ferret | undefined;
  let mongoUrl = opts.mongoUrl;
  let storeLabel = "memory";
  if (opts.store === "mongo") {
    if (!mongoUrl) {
      started = await startFerret();
      mongoUrl = started.url;
      storeLabel = "mongo (FerretDB 1.24 sqlite)";
      note(`FerretDB started at ${mongoUrl}`);
    } else {
      storeLabel = "mongo";
    }
  }
  note(
    `bench:results store=${storeLabel} sizes=${opts.sizes.join(",")} results=${opts.results} queries=${opts.queries} ` +
      `warmup=${opts.warmup} budget=${opts.budgetS}s seed=${opts.seed}; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`,
  );
  const rows: Row[] = [];
  try {
    for (const n of opts.sizes) rows.push(await benchSize(opts, n, mongoUrl, storeLabel));
  } finally {
    await started?.stop();
  }
  console.log(`\nResults and leaderboards (warm-up ${opts.warmup} untimed ops per phase; duels recorded one at a time; queries on global/alltime):\n`);
  console.log(table(rows));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`bench:results: ${err.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error("bench:results failed:", err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
