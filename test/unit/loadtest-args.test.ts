/**
 * The load-test programs' one command-line reader (loadtest/support/args.ts) and its one
 * usage-error exit, with the harness's and the fault run's options read through it.
 */
import { strict as assert } from "node:assert";
import { parseBoardsOptions } from "../../loadtest/bench/boards-options";
import { parseFaultOptions } from "../../loadtest/harness/faults/options";
import { parseOptions } from "../../loadtest/harness/options";
import { number, oneOf, parseOrExit, readFlags, readKnownFlags, UsageError } from "../../loadtest/support/args";
import { assertLoopbackMongo, loopbackUrl } from "../../loadtest/support/loopback";

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs `fn` with process.exit, stdout and stderr caught: the exit code and what was written. */
function caught(fn: () => unknown): { code?: number; out: string; err: string; value?: unknown } {
  const saved = { exit: process.exit, out: process.stdout.write, err: process.stderr.write };
  let [out, err] = ["", ""];
  process.exit = ((code?: number) => {
    throw new Exited(code ?? 0);
  }) as typeof process.exit;
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    return { value: fn(), out, err };
  } catch (e) {
    if (e instanceof Exited) return { code: e.code, out, err };
    throw e;
  } finally {
    Object.assign(process, { exit: saved.exit });
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

const isUsage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && !e.help && pattern.test(e.message);

describe("load-test command lines (loadtest/support/args.ts)", () => {
  it("reads flags strictly: an unknown flag, a missing value or a stray argument is a usage error", () => {
    const flags = { bots: { type: "string" }, fast: { type: "boolean" }, env: { type: "string", multiple: true } } as const;
    assert.deepEqual({ ...readFlags(["--bots", "4", "--fast", "--env", "A=1", "--env=B=2"], flags) }, { bots: "4", fast: true, env: ["A=1", "B=2"] });
    assert.throws(() => readFlags(["--nope"], flags), isUsage(/Unknown option '--nope'/));
    assert.throws(() => readFlags(["--bots"], flags), isUsage(/--bots/));
    assert.throws(() => readFlags(["stray"], flags), isUsage(/stray/));
    assert.throws(() => readFlags(["--bots", "4", "--help"], flags), (e: unknown) => e instanceof UsageError && e.help);
    assert.throws(() => readFlags(["-h"], flags), (e: unknown) => e instanceof UsageError && e.help);
  });

  it("leaves other programs' flags alone when asked to (the bot under @colyseus/loadtest)", () => {
    const values = readKnownFlags(["--numClients", "50", "--lang", "fr", "--room=word_duel"], { lang: { type: "string" }, room: { type: "string" } });
    assert.equal(values.lang, "fr");
    assert.equal(values.room, "word_duel");
  });

  it("checks numbers and choices, with the fallback when the flag is absent", () => {
    assert.equal(number("bots", undefined, 100, 1, 5000), 100);
    assert.equal(number("bots", "40", 100, 1, 5000), 40);
    assert.equal(number("accuracy", "0.25", 0.8, 0, 1, false), 0.25);
    for (const bad of ["0", "5001", "1.5", "", "x"]) assert.throws(() => number("bots", bad, 100, 1, 5000), isUsage(/--bots must be a whole number from 1 to 5000/));
    assert.throws(() => number("results", "0", 2000, 1), isUsage(/--results must be a whole number ≥ 1 \(got "0"\)/));
    assert.equal(oneOf("store", undefined, "memory", ["memory", "mongo"]), "memory");
    assert.throws(() => oneOf("store", "redis", "memory", ["memory", "mongo"]), isUsage(/--store must be one of memory, mongo/));
  });

  it("exits 2 on a usage error with the program's name, the message and its usage; --help prints the usage and exits 0", () => {
    const usage = "usage: npm run demo -- [--bots N]";
    const bad = caught(() => parseOrExit("demo", usage, () => number("bots", "x", 1, 1, 10)));
    assert.deepEqual([bad.code, bad.out, bad.err], [2, "", `demo: --bots must be a whole number from 1 to 10 (got "x")\n${usage}\n`]);
    const help = caught(() => parseOrExit("demo", usage, () => readFlags(["--help"], {})));
    assert.deepEqual([help.code, help.out, help.err], [0, `${usage}\n`, ""]);
    assert.equal(caught(() => parseOrExit("demo", usage, () => 7)).value, 7);
    assert.throws(() => parseOrExit("demo", usage, () => { throw new RangeError("not a usage error"); }), RangeError);
  });

  it("keeps every run on loopback: other hosts, and --server-env for what the run owns (Redis, MongoDB, host, port, files), are usage errors", () => {
    for (const ok of ["http://127.0.0.1:2567", "redis://localhost:6390/12", "http://[::1]:2567", "http://127.0.0.2:1"]) assert.equal(loopbackUrl("--x", ok).href.length > 0, true);
    for (const bad of ["http://10.0.0.1:2567", "redis://example.org/0", "not a url"]) assert.throws(() => loopbackUrl("--x", bad), UsageError);
    assert.doesNotThrow(() => assertLoopbackMongo("--mongo", "mongodb://127.0.0.1:27017,localhost:27018/"));
    assert.throws(() => assertLoopbackMongo("--mongo", "mongodb://127.0.0.1,db.example.org/"), UsageError);
    for (const owned of ["REDIS_URL=redis://127.0.0.1:6379/0", "MONGODB_URL=mongodb://x/", "HOST=0.0.0.0", "PORT=80"]) {
      assert.throws(() => parseOptions(["--server-env", owned]), /set by the run itself/);
    }
    assert.equal(parseOptions(["--server-env", "DUEL_ROUNDS=3"]).serverEnv.DUEL_ROUNDS, "3");
  });

  it("keeps the harness's and the fault run's defaults, and their checks are usage errors", () => {
    const harness = parseOptions([]);
    assert.deepEqual(
      [harness.servers, harness.bots, harness.shards, harness.durationS, harness.rampS, harness.scenario, harness.lang, harness.mode, harness.direction, harness.accuracy, harness.thinkMs, harness.fast, harness.maxErrors],
      [1, 100, 2, 30, 5, "ranked", "es", "choice", "en-target", 0.8, 1500, false, 0],
    );
    assert.throws(() => parseOptions(["--servers", "2", "--endpoint", "http://127.0.0.1:2567"]), isUsage(/either --servers or --endpoint/));
    assert.throws(() => parseOptions(["--endpoint", "http://10.0.0.1:2567"]), isUsage(/not a loopback address/));
    const faults = parseFaultOptions([]);
    assert.deepEqual(
      [faults.servers, faults.learners, faults.scenario, faults.durationS, faults.drainS, faults.faults.map((f) => f.label).join(","), faults.restMs, faults.rounds, faults.logLevel],
      [3, 120, "mixed", 270, 60, "kill9@15/1,sigterm@45/0,redis@80+25,mongo@120+20", 60_000, 3, "info"],
    );
    assert.throws(() => parseFaultOptions(["--faults", "kill9@15/7"]), isUsage(/only 3 game processes/));
    assert.throws(() => parseFaultOptions(["--server-env", "NOPE=1"]), isUsage(/--server-env: "NOPE=1"/));
  });

  it("reads the boards bench's command line: its defaults, 1_000_000 written with underscores, loopback only, never DB 0 of the machine's Redis", () => {
    const d = parseBoardsOptions([]);
    assert.deepEqual(
      [d.learners, d.boards, d.serverLog, d.queries, d.warmup, d.concurrency, d.results, d.writeConcurrency, d.writers, d.record, d.recordBudgetS, d.check, d.redisUrl, d.mongoUrl, d.budgetS, d.seed],
      [1_000_000, "global", "info", 10_000, 2000, 16, 50_000, 64, 2, 3, 300, 200, undefined, undefined, 900, 1],
    );
    const o = parseBoardsOptions(["--learners", "10_000", "--boards", "all", "--results", "5_000", "--redis-url", "redis://127.0.0.1:6379/11", "--mongo-url", "mongodb://localhost:27017/"]);
    assert.deepEqual([o.learners, o.boards, o.results, o.redisUrl, o.mongoUrl], [10_000, "all", 5_000, "redis://127.0.0.1:6379/11", "mongodb://localhost:27017/"]);
    assert.equal(parseBoardsOptions(["--redis-url", "redis://127.0.0.1:6390"]).redisUrl, "redis://127.0.0.1:6390");
    for (const url of ["redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379", "redis://localhost/"]) assert.throws(() => parseBoardsOptions(["--redis-url", url]), isUsage(/DB 0 of the Redis on 6379 is the machine's/));
    assert.throws(() => parseBoardsOptions(["--redis-url", "redis://10.0.0.5:6379/3"]), isUsage(/not a loopback address/));
    assert.throws(() => parseBoardsOptions(["--redis-url", "rediss://127.0.0.1:6380/3"]), isUsage(/must be redis:\/\//));
    assert.throws(() => parseBoardsOptions(["--mongo-url", "mongodb://db.example.org/"]), isUsage(/only loopback hosts/));
    assert.throws(() => parseBoardsOptions(["--boards", "es"]), isUsage(/--boards must be one of global, all/));
    assert.equal(parseBoardsOptions(["--server-log", "warn"]).serverLog, "warn");
    assert.throws(() => parseBoardsOptions(["--server-log", "debug"]), isUsage(/--server-log must be one of info, warn/));
    assert.throws(() => parseBoardsOptions(["--learners", "50"]), isUsage(/--learners must be a whole number from 100/));
    assert.throws(() => parseBoardsOptions(["--writers", "4", "--write-concurrency", "2"]), isUsage(/must be at least --writers/));
    assert.throws(() => parseBoardsOptions(["--queries", "many"]), isUsage(/--queries/));
  });
});
