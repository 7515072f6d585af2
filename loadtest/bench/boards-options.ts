/** The boards bench's command line (support/args.ts: strict, usage errors exit 2, --help). */
import { number, oneOf, readFlags, UsageError } from "../support/args";
import { assertLoopbackMongo, loopbackUrl } from "../support/loopback";

/** The server's LOG_LEVEL: info (the default, a line per request) or warn (as the load harnesses run it). */
export const SERVER_LOGS = ["info", "warn"] as const;

/** Which all-time boards each seeded learner gets in MongoDB: the one the queries read, or the three bench:results seeds. */
export const SEED_BOARDS = ["global", "all"] as const;

export interface BoardsOptions {
  learners: number;
  boards: (typeof SEED_BOARDS)[number];
  serverLog: (typeof SERVER_LOGS)[number];
  /** Timed GET requests of each kind (top-10, around-me), sequential and again concurrent. */
  queries: number;
  warmup: number;
  concurrency: number;
  /** Two-learner results written through RedisBoards.write, `writeConcurrency` in flight. */
  results: number;
  writeConcurrency: number;
  /** Writer processes sharing the results (each its own Redis connection, as server processes are). */
  writers: number;
  /** Full Store.recordMatch calls on the store of record, one at a time (0: none). */
  record: number;
  /** The recordMatch calls stop after this long (one at 1M learners on FerretDB takes longer than any budget). */
  recordBudgetS: number;
  /** Learners whose rows are checked through the HTTP API after the results. */
  check: number;
  redisUrl?: string;
  mongoUrl?: string;
  /** Every phase (seeding, the start-up rebuild, each timed phase) stops after this long. */
  budgetS: number;
  seed: number;
}

export const USAGE = `usage: npm run bench:boards -- [options]
  --learners N            learners seeded into MongoDB (1000000; _ allowed: 1_000_000)
  --boards global|all     their all-time boards in MongoDB: global only (default: what the queries read), or global, es, rating-es
  --server-log info|warn  the server's LOG_LEVEL: info (the default, one line per request) or warn, as the load harnesses run it
  --queries N             timed GET /api/leaderboards/global?limit=10 and ?around=me, each, sequential and concurrent (10000)
  --warmup N              untimed requests before each query phase, their latencies shown apart (2000)
  --concurrency K         requests in flight in the concurrent query phase (16)
  --results N             two-learner results written into the boards through RedisBoards.write (50000)
  --write-concurrency K   result writes in flight in all, shared out among the writers (64)
  --writers W             writer processes, each its own Redis connection and RedisBoards, as server processes are (2)
  --record N              full Store.recordMatch calls on the store of record afterwards, one at a time (3; 0 = none)
  --record-budget-s S     the recordMatch calls stop after S s; a call still running then is left and reported (300)
  --check N               learners whose rows are checked through the HTTP API after the results (200)
  --redis-url URL         a Redis on loopback (its DB is flushed before and after; never 6379 DB 0); default: a redis-server of the run's own
  --mongo-url URL         a MongoDB on loopback (a fresh database, dropped after); default: .tools/ferretdb of the run's own
  --budget-s S            each phase stops after S s (900): seeding, the rebuild and the checks fail, the timed phases are cut short
  --seed N                the rng seed (1)`;

const FLAGS = {
  learners: { type: "string" }, boards: { type: "string" }, "server-log": { type: "string" }, queries: { type: "string" }, warmup: { type: "string" },
  concurrency: { type: "string" }, results: { type: "string" }, "write-concurrency": { type: "string" }, writers: { type: "string" }, record: { type: "string" }, "record-budget-s": { type: "string" },
  check: { type: "string" }, "redis-url": { type: "string" }, "mongo-url": { type: "string" }, "budget-s": { type: "string" },
  seed: { type: "string" },
} as const;

/** A Redis the bench may flush: loopback, and not DB 0 of the machine's own Redis on 6379. */
function checkRedisUrl(url: string): string {
  const parsed = loopbackUrl("--redis-url", url);
  if (parsed.protocol !== "redis:") throw new UsageError(`--redis-url: "${url}" must be redis:// (TLS is not for loopback)`);
  const db = parsed.pathname.replace(/^\//, "") || "0";
  if (!/^\d+$/.test(db)) throw new UsageError(`--redis-url: the path of "${url}" must be a DB index`);
  if ((parsed.port || "6379") === "6379" && Number(db) === 0) throw new UsageError("--redis-url: DB 0 of the Redis on 6379 is the machine's: give a DB index of your own (redis://127.0.0.1:6379/11), or leave --redis-url out for a redis-server of the run's own");
  return url.trim();
}

/** The options of `argv`; throws UsageError. */
export function parseBoardsOptions(argv: string[]): BoardsOptions {
  const v = readFlags(argv, FLAGS);
  const opts: BoardsOptions = {
    learners: number("learners", v.learners?.replace(/_/g, ""), 1_000_000, 100, 5_000_000),
    boards: oneOf("boards", v.boards, "global", SEED_BOARDS),
    serverLog: oneOf("server-log", v["server-log"], "info", SERVER_LOGS),
    queries: number("queries", v.queries, 10_000, 1, 1_000_000),
    warmup: number("warmup", v.warmup, 2000, 0, 100_000),
    concurrency: number("concurrency", v.concurrency, 16, 1, 256),
    results: number("results", v.results?.replace(/_/g, ""), 50_000, 1, 10_000_000),
    writeConcurrency: number("write-concurrency", v["write-concurrency"], 64, 1, 1024),
    writers: number("writers", v.writers, 2, 1, 8),
    record: number("record", v.record, 3, 0, 100),
    recordBudgetS: number("record-budget-s", v["record-budget-s"], 300, 1, 7200),
    check: number("check", v.check, 200, 1, 100_000),
    redisUrl: v["redis-url"] === undefined ? undefined : checkRedisUrl(v["redis-url"]),
    mongoUrl: v["mongo-url"],
    budgetS: number("budget-s", v["budget-s"], 900, 1, 7200),
    seed: number("seed", v.seed, 1, 0),
  };
  if (opts.writeConcurrency < opts.writers) throw new UsageError(`--write-concurrency (${opts.writeConcurrency}) must be at least --writers (${opts.writers}): one write in flight per writer or more`);
  if (opts.mongoUrl !== undefined) assertLoopbackMongo("--mongo-url", opts.mongoUrl);
  return opts;
}
