/**
 * Boards benchmark (issue 15): the leaderboards on Redis sorted sets, through the real server.
 *
 *   npm run bench:boards -- [--learners 1000000] [--boards global|all] [--queries 2000] [--warmup 50]
 *     [--concurrency 16] [--results 50000] [--write-concurrency 64] [--writers 2] [--record 3]
 *     [--record-budget-s 300] [--check 200]
 *     [--redis-url URL] [--mongo-url URL] [--budget-s 900] [--seed 1]
 *
 * 1. Starts a redis-server and a FerretDB of its own (or uses --redis-url / --mongo-url, loopback
 *    only), seeds N learners into a fresh MongoDB database through MongoStore.seedLearners.
 * 2. Spawns the server (`node --import tsx server/main.ts`, REDIS_URL + MONGODB_URL, LOG_LEVEL
 *    info) and times its start-up rebuild of the global board from MongoDB.
 * 3. GET /api/leaderboards/global?limit=10 and ?around=me (Bearer tokens of random seeded
 *    learners), one at a time and then --concurrency in flight, every answer checked against
 *    the bench's own ranking.
 * 4. Writes --results two-learner results into the boards through RedisBoards.write, then
 *    checks a sample through the API and in Redis; then times --record full recordMatch calls.
 *
 * Bounded: fixed counts, and every phase stops after --budget-s (seeding, the rebuild and
 * the checks then fail). Exits 1 on any error or failed check, 2 on a usage error; stops
 * everything it started. Figures: docs/benchmarks.md, "Boards on Redis sorted sets (issue 15)".
 */
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { MongoStore } from "../../server/store/MongoStore";
import { createLogger } from "../../server/logger";
import { RedisBoards } from "../../server/store/RedisBoards";
import { parseOrExit } from "../support/args";
import type { FerretDbProcess } from "../support/ferretdb-process";
import { seededRng } from "../support/rng";
import { makeWorld, standings, tokenSigner } from "./boards-data";
import { BoardsClient } from "./boards-http";
import { benchRedis, listenerPid, startBoardsServer, usedMemory, type BenchRedis, type BoardsServer } from "./boards-infra";
import { parseBoardsOptions, USAGE, type BoardsOptions } from "./boards-options";
import { GLOBAL_KEYS, waitForServer, type RebuildFigures } from "./boards-rebuild";
import { report, type BoardsFigures } from "./boards-report";
import { seedLearners } from "./boards-seed";
import { checkWritten, queryPhases, recordPhase, resultsPhase } from "./boards-steps";
import { note } from "./measure";
import { makeLearners } from "./results-data";
import { startFerret } from "./results-seed";

/** What the run started, stopped in reverse order at the end. */
interface Started {
  dir: string;
  ferret?: FerretDbProcess;
  dropDb?: () => Promise<void>;
  redis?: BenchRedis;
  store?: MongoStore;
  server?: BoardsServer;
  http?: BoardsClient;
}

async function stopAll(s: Started): Promise<void> {
  const step = async (what: string, fn: () => Promise<void> | void) => {
    try {
      await fn();
    } catch (err) {
      note(`could not stop ${what}: ${(err as Error).message}`);
    }
  };
  await step("the HTTP client", () => s.http?.close());
  await step("the server", () => s.server?.stop());
  await step("the store", () => s.store?.close());
  await step("the database", () => s.dropDb?.());
  await step("FerretDB", () => s.ferret?.stop());
  await step("Redis", () => s.redis?.stop());
  fs.rmSync(s.dir, { recursive: true, force: true });
}

/** A fresh database on --mongo-url (dropped at the end) or on a FerretDB of the run's own. */
async function openStore(opts: BoardsOptions, s: Started): Promise<{ url: string; db: string; label: string }> {
  const db = `bench_boards_${process.pid}_${randomUUID().slice(0, 8)}`;
  let url = opts.mongoUrl;
  if (!url) {
    s.ferret = await startFerret();
    url = s.ferret.url;
  } else {
    const dropUrl = url;
    s.dropDb = async () => {
      const client = new MongoClient(dropUrl, { serverSelectionTimeoutMS: 5000 });
      try {
        await client.db(db).dropDatabase();
      } finally {
        await client.close();
      }
    };
  }
  // socketTimeoutMS is the store's own (30 s): a call FerretDB takes longer over fails, as in the server.
  s.store = await MongoStore.connect(url, db);
  return { url, db, label: opts.mongoUrl ? "mongo" : "FerretDB 1.24 (SQLite)" };
}

/** The global board filled in Redis by the server at its start-up (the product's path), timed from outside. */
async function rebuildGlobal(s: Started, readyzMs: number, budgetMs: number): Promise<RebuildFigures> {
  const redis = s.redis!.client;
  const waited = await waitForServer(s.server!, redis, () => s.store!.boardSource.boardGeneration(), budgetMs);
  return { readyzMs, ...waited, zcard: await redis.zcard(GLOBAL_KEYS.z) };
}

async function run(opts: BoardsOptions, s: Started): Promise<BoardsFigures> {
  const budgetMs = opts.budgetS * 1000;
  // The learners come from their own rng: the writer processes make the same ones from the seed.
  const rng = seededRng(opts.seed * 31 + 7);
  const mongo = await openStore(opts, s);
  s.redis = await benchRedis(opts.redisUrl, s.dir);
  const redis = s.redis.client;
  note(`MongoDB ${mongo.url} (database ${mongo.db}, ${mongo.label}); Redis ${s.redis.url}${s.redis.pid ? " (the run's own)" : ""}`);

  note(`\n== seeding ${opts.learners.toLocaleString("en")} learners (--boards ${opts.boards})`);
  const learners = makeLearners(opts.learners, seededRng(opts.seed));
  const seed = await seedLearners(s.store!, learners, opts.boards, budgetMs);
  const world = makeWorld(learners);
  const before = await usedMemory(redis);

  const jwtSecret = randomBytes(32).toString("hex");
  note("\n== the server: spawn, /readyz, the start-up rebuild of the global board");
  s.server = await startBoardsServer({ redisUrl: s.redis.url, mongoUrl: mongo.url, mongoDb: mongo.db, jwtSecret, dir: s.dir, logLevel: opts.serverLog });
  const rebuild = await rebuildGlobal(s, Date.now() - s.server.spawnedAt, budgetMs);
  if (rebuild.zcard !== opts.learners) throw new Error(`the global board holds ${rebuild.zcard} rows, ${opts.learners} were seeded`);
  const afterRebuild = await usedMemory(redis);
  const [zset, names] = await Promise.all([redis.memory("USAGE", GLOBAL_KEYS.z, "SAMPLES", 0), redis.memory("USAGE", "lb:names", "SAMPLES", 0)]);
  note(`  ready ${(rebuild.readyMs / 1000).toFixed(1)} s after the spawn; rebuild ${rebuild.rows} rows in ${(rebuild.rebuildMs / 1000).toFixed(1)} s`);

  s.http = new BoardsClient(s.server.proc.http, Math.max(opts.concurrency, 1));
  const sign = tokenSigner(jwtSecret);
  const tokens = new Map<number, string>();
  const token = (i: number) => tokens.get(i) ?? (tokens.set(i, sign(learners[i])), tokens.get(i)!);
  const pids = { server: s.server.proc.child.pid!, redis: s.redis.pid, mongo: s.ferret ? listenerPid("ferretdb", new URL(s.ferret.url).port) : undefined };
  const ctx = { world, http: s.http, token, rng, pids };
  const queries = await queryPhases({ ...ctx, standing: standings(world) }, { count: opts.queries, warmup: opts.warmup, budgetMs }, opts.concurrency);

  const results = await resultsPhase(world, { redisUrl: s.redis.url, seed: opts.seed, count: opts.results, concurrency: opts.writeConcurrency, writers: opts.writers, budgetMs }, pids);
  note("\n== checks: the API and the sorted sets after the results");
  const written = await checkWritten(ctx, redis, opts.check);
  const afterResults = await usedMemory(redis);

  let record;
  if (opts.record > 0) {
    note(`\n== ${opts.record} full recordMatch calls on ${mongo.label}, one at a time (rows to Redis through the store's sink)`);
    // The bench's RedisBoards, as buildBoards makes one: the store's sink (it never checks nor rebuilds here).
    const boards = new RedisBoards(redis, s.store!.boardSource, createLogger({ LOG_LEVEL: "warn" }, process.stderr), { weeklyKeepMs: 14 * 86_400_000, now: Date.now, owner: `bench-${process.pid}` });
    s.store!.setBoardSink({ write: (rows) => boards.write(rows) });
    record = await recordPhase(ctx, s.store!, opts.record, opts.recordBudgetS * 1000);
  }
  const problems = s.server.lines.filter((l) => l.level >= 40);
  if (problems.length > 0) note(`\nthe server logged ${problems.length} warning(s) or error(s), first: ${JSON.stringify(problems[0]).slice(0, 400)}`);
  return {
    opts, store: mongo.label, redis: s.redis.pid ? "7 (the run's own)" : s.redis.url, seed, rebuild,
    memory: { before, afterRebuild, afterResults, zset: Number(zset), names: Number(names) }, queries, results, written, record,
  };
}

/** Exit code 0, or 1 when a recordMatch call failed (its figures are printed first). */
async function main(): Promise<number> {
  const opts = parseOrExit("bench:boards", USAGE, () => parseBoardsOptions(process.argv.slice(2)));
  const started: Started = { dir: fs.mkdtempSync(path.join(os.tmpdir(), "lingualeap-bench-boards-")) };
  // Children are SIGKILLed on exit (support/children.ts, the FerretDB hooks); the directory goes too.
  process.once("exit", () => fs.rmSync(started.dir, { recursive: true, force: true }));
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) process.once(signal, () => process.exit(code));
  note(`bench:boards ${JSON.stringify({ ...opts })}`);
  try {
    const figures = await run(opts, started);
    console.log(report(figures));
    return figures.record?.error ? 1 : 0;
  } finally {
    await stopAll(started);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("bench:boards failed:", err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
