/**
 * The servers of a load run: spawned processes on free loopback ports with their environment,
 * running ones (--endpoint) checked before any bot starts, and the Redis DB a cluster shares.
 * A spawned server runs the compiled build, as production does (`node <build>/server/main.js`,
 * built once per run by scripts/build.mjs), or with --server-cmd tsx the sources through tsx
 * (`node --import tsx server/main.ts`, which spends some of its CPU compiling at run time).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import Redis from "ioredis";
import { MongoClient } from "mongodb";
import { loopbackServerEnv } from "../support/server-env";
import { exitWithin, hasExited, ROOT, track, withTimeout } from "../support/children";
import { assertLoopbackMongo, loopbackUrl } from "../support/loopback";
import { startFerretDb, type FerretDbProcess } from "../support/ferretdb-process";
import { freePort } from "../support/ports";
import type { HarnessOptions, SERVER_CMDS } from "./options";
import { ProcWatch } from "./procs";
import { log, run } from "./run";

type ServerCmd = (typeof SERVER_CMDS)[number];

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12";

/** The Redis a run of `servers` processes shares (LOADTEST_REDIS_URL, else DEFAULT_REDIS_URL); none for one process. */
export function runRedisUrl(servers: number): string | undefined {
  return servers > 1 ? (process.env.LOADTEST_REDIS_URL ?? DEFAULT_REDIS_URL) : undefined;
}
/** --fast: short phases, so duels churn. */
const FAST_ENV: Record<string, string> = {
  DUEL_COUNTDOWN_MS: "500",
  DUEL_REVEAL_MS: "500",
  DUEL_CHOICE_ROUND_MS: "4000",
  DUEL_TYPED_ROUND_MS: "4000",
  DUEL_FINISHED_LINGER_MS: "500",
};

/** One spawned server process: its output is kept (tail) and its log levels counted. */
export class ServerProc {
  readonly http: string;
  readonly watch: ProcWatch;
  /** Set once the harness asks it to stop: an exit before that is a crash. */
  stopping = false;
  logWarn = 0;
  logError = 0;
  /** Warn-or-worse log lines by message (first line, shortened), with how often each came. */
  readonly logMessages: Record<string, number> = {};
  private tail = "";
  private partial = "";

  constructor(
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    this.http = `http://127.0.0.1:${port}`;
    this.watch = new ProcWatch(child.pid!);
    child.stdout!.on("data", (chunk: Buffer) => this.read(chunk));
    child.stderr!.on("data", (chunk: Buffer) => this.read(chunk));
  }

  get exited(): boolean {
    return hasExited(this.child);
  }

  output(): string {
    return this.tail;
  }

  /** Keeps the last 8 kB and counts pino lines at warn (40) and error or worse (50+). */
  private read(chunk: Buffer): void {
    const text = chunk.toString();
    this.tail = (this.tail + text).slice(-8000);
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      let entry: { level?: number; msg?: string; err?: { message?: string } | string };
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if ((entry.level ?? 0) >= 50) this.logError++;
      else if (entry.level === 40) this.logWarn++;
      else continue;
      const detail = typeof entry.err === "string" ? entry.err : entry.err?.message;
      const key = `${entry.msg ?? "?"}${detail ? `: ${detail}` : ""}`.split("\n")[0].slice(0, 160);
      if (key in this.logMessages || Object.keys(this.logMessages).length < 20) this.logMessages[key] = (this.logMessages[key] ?? 0) + 1;
    }
  }

  /** Waits for GET /readyz, or throws with the tail of its output. */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`server on port ${this.port} exited while starting (code ${this.child.exitCode}):\n${this.tail}`);
      const ok = await fetch(`${this.http}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) return;
      await exitWithin(this.child, 100);
    }
    throw new Error(`server on port ${this.port} was not ready within ${timeoutMs} ms:\n${this.tail}`);
  }

  /** SIGTERM (it drains quickly: SHUTDOWN_GRACE_MS is short), SIGKILL after 6 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exited) return;
    this.child.kill("SIGTERM");
    if (!(await exitWithin(this.child, 6000))) {
      this.child.kill("SIGKILL");
      await exitWithin(this.child, 2000);
    }
  }
}

/**
 * A cluster's store of record: the processes of a cluster must share one (config.ts refuses
 * REDIS_URL without MONGODB_URL). `LOADTEST_MONGODB_URL` (loopback) names one; otherwise the
 * run starts `.tools/ferretdb` on a free port and stops it at the end. FerretDB on SQLite keeps
 * about one result a second (docs/benchmarks.md): results wait in the cluster's Redis stream
 * meanwhile (durable, flushed with the run's Redis DB), so the run measures play, not the store.
 */
export async function clusterStore(onSpawn: (ferret: FerretDbProcess) => void): Promise<ClusterStore> {
  const db = `lingualeap_loadtest_${process.pid}`;
  const given = process.env.LOADTEST_MONGODB_URL;
  if (given) {
    assertLoopbackMongo("LOADTEST_MONGODB_URL", given);
    return { url: given, db, given: true };
  }
  const binary = path.join(ROOT, ".tools", "ferretdb");
  if (!existsSync(binary)) throw new Error("--servers > 1 needs a MongoDB-compatible store: set LOADTEST_MONGODB_URL, or build .tools/ferretdb (bash test/infra/ensure-ferretdb.sh)");
  const ferret = await startFerretDb({ binary, dirPrefix: "lingualeap-loadtest-ferretdb-", readyTimeoutMs: 30_000, onSpawn });
  return { url: ferret.url, db, given: false };
}

/** A cluster run's store: where, its database, and whether the caller gave it (then the run drops its database at the end). */
export interface ClusterStore {
  url: string;
  db: string;
  given: boolean;
}

/** Drops the run's database on a store the caller gave (a FerretDB of the run's own goes whole); bounded, never throws. */
export async function dropRunDatabase(store: ClusterStore | undefined): Promise<string | undefined> {
  if (!store?.given) return undefined;
  const client = new MongoClient(store.url, { serverSelectionTimeoutMS: 3000, connectTimeoutMS: 3000 });
  try {
    await withTimeout(client.connect().then(() => client.db(store.db).dropDatabase()), 5000, "dropping the run's database");
    return undefined;
  } catch (err) {
    return `could not drop database ${store.db}: ${(err as Error).message}`;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The environment of spawned servers: none of the caller's server settings leak in. */
export function serverEnv(opts: HarnessOptions, port: number, redisUrl: string | undefined, jwtSecret: string, outboxDir: string, store?: ClusterStore): NodeJS.ProcessEnv {
  return {
    ...loopbackServerEnv(port, jwtSecret, "warn"),
    OUTBOX_PATH: path.join(outboxDir, `outbox-${port}.jsonl`),
    SHUTDOWN_GRACE_MS: "3000",
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...(store ? { MONGODB_URL: store.url, MONGODB_DB: store.db } : {}),
    // Pairing measures learners meeting learners: no bot may step in.
    ...(opts.scenario === "pairing" ? { QUEUE_BOT_AFTER_MS: "0" } : {}),
    ...(opts.fast ? FAST_ENV : {}),
    ...(opts.rounds !== undefined ? { DUEL_ROUNDS: String(opts.rounds) } : {}),
    ...opts.serverEnv,
  };
}

/**
 * Where a run compiles the server: inside the project, so the build finds node_modules
 * (.tmp/ is git-ignored), and one folder per run, so that a run started beside another (a
 * test, a second sweep) never rebuilds under the other's running servers. Removed on exit.
 */
const BUILD_DIR = path.join(".tmp", "loadtest-build", String(process.pid));
let build: Promise<string> | undefined;

/** Compiles the server once (scripts/build.mjs); resolves with its entry point. */
function buildServer(): Promise<string> {
  const started = Date.now();
  process.once("exit", () => rmSync(path.join(ROOT, BUILD_DIR), { recursive: true, force: true }));
  return new Promise((resolve, reject) => {
    const args = [path.join(ROOT, "scripts", "build.mjs"), "--out-dir", BUILD_DIR];
    track(
      execFile(process.execPath, args, { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`the server build (node scripts/build.mjs --out-dir ${BUILD_DIR}) failed (--server-cmd tsx runs the sources without it): ${err.message.split("\n")[0]}\n${stdout}${stderr}`));
        log(`servers: compiled into ${BUILD_DIR}/ in ${Date.now() - started} ms`);
        resolve(path.join(ROOT, BUILD_DIR, "server", "main.js"));
      }),
    );
  });
}

/** Node's arguments for a server process: the run's build (compiled at the first call) or tsx on the sources. */
export async function serverArgs(cmd: ServerCmd): Promise<string[]> {
  if (cmd === "tsx") return ["--import", "tsx", "server/main.ts"];
  build ??= buildServer();
  return [await build];
}

/** Spawns one server on a free port (a new port if another process took it first), as --server-cmd says. */
export async function startServer(envFor: (port: number) => NodeJS.ProcessEnv, cmd: ServerCmd = run.opts?.serverCmd ?? "js"): Promise<ServerProc> {
  const args = await serverArgs(cmd);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = track(spawn(process.execPath, args, { cwd: ROOT, env: envFor(port), stdio: ["ignore", "pipe", "pipe"] }));
    const server = new ServerProc(port, child);
    try {
      await server.ready(30_000);
      return server;
    } catch (err) {
      await server.stop();
      if (attempt >= 3 || !/EADDRINUSE/.test(server.output())) throw err;
    }
  }
}

/** Running servers (--endpoint) must answer /readyz before any bot starts. */
export async function checkEndpoints(endpoints: string[]): Promise<string[]> {
  const problems = await Promise.all(
    endpoints.map(async (base) => {
      try {
        const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3000) });
        return res.ok ? undefined : `${base}/readyz answered ${res.status}`;
      } catch (err) {
        return `${base} is unreachable: ${(err as Error).cause ?? (err as Error).message}`;
      }
    }),
  );
  return problems.filter((p): p is string => p !== undefined);
}

/** Connects to the cluster's Redis DB (loopback only) and flushes it. */
export async function openRedis(url: string): Promise<Redis> {
  loopbackUrl("LOADTEST_REDIS_URL", url);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  redis.on("error", () => undefined); // failures surface through the awaited commands
  await withTimeout(redis.connect(), 5000, "Redis");
  await withTimeout(redis.flushdb(), 5000, "Redis FLUSHDB");
  return redis;
}
