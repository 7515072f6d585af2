/**
 * How long a server process takes from spawn to ready (`/readyz` 200, matchmaking open),
 * measured N times. Embedded by default; `--redis <url> --mongo <url>` measures a cluster
 * process (both must be running; the Redis DB is flushed first, use one of its own).
 *   npm run bench:startup -- --runs 5
 *   npm run bench:startup -- --runs 5 --redis redis://127.0.0.1:6390/12 --mongo mongodb://127.0.0.1:27017/
 * Bounded: each start may take 60 s at most; every process is killed at the end.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { number, parseOrExit, readFlags } from "../support/args";
import { ROOT } from "../support/children";
import { assertLoopbackMongo, loopbackUrl } from "../support/loopback";
import { loopbackServerEnv } from "../support/server-env";
import { freePort } from "../support/ports";
import { percentile } from "../support/stats";

const USAGE = "usage: npm run bench:startup -- [--runs 5] [--redis redis://127.0.0.1:PORT/DB --mongo mongodb://127.0.0.1:PORT/]";
const { runs, ...values } = parseOrExit("bench:startup", USAGE, () => {
  const flags = readFlags(process.argv.slice(2), { runs: { type: "string" }, redis: { type: "string" }, mongo: { type: "string" } });
  // It flushes the Redis DB and writes to the MongoDB it is given: only this machine's.
  if (flags.redis !== undefined) loopbackUrl("--redis", flags.redis);
  if (flags.mongo !== undefined) assertLoopbackMongo("--mongo", flags.mongo);
  return { runs: number("runs", flags.runs, 5, 1, 50), redis: flags.redis, mongo: flags.mongo };
});

async function once(): Promise<number> {
  const port = await freePort();
  // None of the caller's own settings leak in: embedded means embedded.
  const env: NodeJS.ProcessEnv = {
    ...loopbackServerEnv(port, "bench-secret-that-is-only-for-this-benchmark-0123", "warn"),
    NODE_ENV: "test",
    OUTBOX_PATH: join(mkdtempSync(join(tmpdir(), "ll-start-")), "outbox.jsonl"),
  };
  if (values.redis) env.REDIS_URL = values.redis;
  if (values.mongo) Object.assign(env, { MONGODB_URL: values.mongo, MONGODB_DB: "lingualeap_bench_startup" });
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { cwd: ROOT, env, stdio: "ignore" });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
      if (performance.now() - started > 60_000) throw new Error("not ready within 60 s");
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill("SIGKILL");
  }
}

async function main(): Promise<void> {
  if (values.redis) {
    const redis = new Redis(values.redis, { maxRetriesPerRequest: 1 });
    await redis.flushdb();
    redis.disconnect();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  const where = values.redis ? `cluster process (Redis ${values.redis}, MongoDB ${values.mongo ?? "none"})` : values.mongo ? "one process with MongoDB" : "embedded";
  process.stdout.write(`start-up to ready, ${where}, ${runs} runs: min ${fmt(times[0])}, median ${fmt(percentile(times, 50))}, max ${fmt(times[times.length - 1])}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:startup: ${(err as Error).message}\n`);
  process.exit(1);
});
