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
 * fresh database there, dropped afterwards. Learners are seeded through the store's own bulk
 * path, Store.seedLearners (results-seed.ts), from a seeded rng (results-data.ts).
 *
 * Bounded: every loop has a fixed count, and each timed phase also stops early once it has
 * run --budget-s seconds (the table then shows done/planned and marks the row). Exits
 * non-zero on any error. See docs/benchmarks.md for figures.
 */
import os from "node:os";
import { AROUND_SPAN } from "../../server/boards";
import { number, oneOf, parseOrExit, readFlags, UsageError } from "../support/args";
import type { FerretDbProcess } from "../support/ferretdb-process";
import { assertLoopbackMongo } from "../support/loopback";
import { seededRng } from "../support/rng";
import { count, measure, ms, note, rate, type Phase } from "./measure";
import { duelResult, GLOBAL, makeLearners, pick } from "./results-data";
import { seedMemory, seedMongo, startFerret } from "./results-seed";

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

const FLAGS = {
  store: { type: "string" }, sizes: { type: "string" }, results: { type: "string" }, queries: { type: "string" },
  "mongo-url": { type: "string" }, "budget-s": { type: "string" }, warmup: { type: "string" }, seed: { type: "string" },
} as const;

function parseOptions(argv: string[]): Options {
  const values = readFlags(argv, FLAGS);
  const opts: Options = {
    store: oneOf("store", values.store, "memory", ["memory", "mongo"] as const),
    sizes: values.sizes?.split(",").map((s) => number("sizes", s.trim().replace(/_/g, ""), 0, 2)) ?? [10_000, 100_000, 1_000_000],
    results: number("results", values.results, 2000, 1),
    queries: number("queries", values.queries, 500, 1),
    mongoUrl: values["mongo-url"],
    budgetS: number("budget-s", values["budget-s"], 300, 1),
    warmup: number("warmup", values.warmup, 10, 0),
    seed: number("seed", values.seed, 1, 0),
  };
  if (opts.mongoUrl !== undefined) {
    if (opts.store !== "mongo") throw new UsageError("--mongo-url goes with --store mongo");
    assertLoopbackMongo("--mongo-url", opts.mongoUrl);
  }
  return opts;
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
  const opts = parseOrExit("bench:results", USAGE, () => parseOptions(process.argv.slice(2)));
  let started: FerretDbProcess | undefined;
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
    console.error("bench:results failed:", err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
