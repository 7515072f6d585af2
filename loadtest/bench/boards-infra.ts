/**
 * What the boards bench starts and stops, all on 127.0.0.1:
 *
 * - a `redis-server` of its own on a free port (`--save "" --appendonly no`, a temporary
 *   directory), unless --redis-url names one (its DB is flushed before and after);
 * - the real server process (`node --import tsx server/main.ts`) on REDIS_URL and
 *   MONGODB_URL, with a JWT_SECRET of the run's own and the single-address limits raised,
 *   whose log lines about the boards are watched (the start-up rebuild's "boards: rebuilt
 *   from MongoDB").
 *
 * Every child is tracked (support/children.ts) and killed however the bench ends.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Redis from "ioredis";
import { ROOT, exitWithin, hasExited, track } from "../support/children";
import { freePort } from "../support/ports";
import { loopbackServerEnv } from "../support/server-env";
import { ServerProc } from "../harness/servers";

export interface BenchRedis {
  url: string;
  /** The redis-server's pid when the bench started it. */
  pid?: number;
  client: Redis;
  stop(): Promise<void>;
}

/** A client that fails fast instead of queueing forever; connection errors reach the commands, not the console. */
function client(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3000 });
  redis.on("error", () => undefined);
  return redis;
}

/** The bench's own redis-server; resolves once it answers PING. */
async function ownRedis(dir: string): Promise<BenchRedis> {
  const port = await freePort();
  const log = fs.openSync(path.join(dir, "redis.log"), "a");
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no"];
  const child = track(spawn("redis-server", args, { stdio: ["ignore", log, log] }));
  fs.closeSync(log);
  const url = `redis://127.0.0.1:${port}/0`;
  const redis = client(url);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (hasExited(child)) throw new Error(`redis-server on port ${port} exited while starting: ${fs.readFileSync(path.join(dir, "redis.log"), "utf8").slice(-1000)}`);
    if ((await redis.connect().then(() => redis.ping(), () => undefined)) === "PONG") break;
    redis.disconnect();
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    redis.disconnect();
    if (hasExited(child)) return;
    child.kill("SIGTERM");
    if (!(await exitWithin(child, 5000))) child.kill("SIGKILL");
  };
  return { url, pid: child.pid, client: redis, stop };
}

/** The Redis of the run: `url` (loopback, checked by the options; flushed now and at stop) or one of its own in `dir`. */
export async function benchRedis(url: string | undefined, dir: string): Promise<BenchRedis> {
  if (!url) return ownRedis(dir);
  const redis = client(url);
  await redis.connect();
  await redis.flushdb();
  return {
    url,
    client: redis,
    stop: async () => {
      await redis.flushdb().catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** The pid of the `binary` process started with `--listen-addr=127.0.0.1:<port>` (the run's own FerretDB), from /proc. */
export function listenerPid(binary: string, port: string): number | undefined {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (args[0]?.endsWith(binary) && args.includes(`--listen-addr=127.0.0.1:${port}`)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** INFO memory's used_memory, in bytes (the whole instance, every DB). */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

/** One pino line of the server (level 30 = info, 40 warn, 50 error). */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** The server process of the run and the board lines it logged. */
export interface BoardsServer {
  proc: ServerProc;
  spawnedAt: number;
  /** The server's "boards: …" lines (and every warn or worse), in order, with when they came. */
  lines: (LogLine & { at: number })[];
  stop(): Promise<void>;
}

export interface ServerSettings {
  redisUrl: string;
  mongoUrl: string;
  mongoDb: string;
  jwtSecret: string;
  dir: string;
  /** The server's LOG_LEVEL (the rebuild's line is at info; at warn the bench times it from outside). */
  logLevel: "info" | "warn";
}

/** Spawns `node --import tsx server/main.ts` and waits for /readyz (the boards may still be rebuilding). */
export async function startBoardsServer(s: ServerSettings): Promise<BoardsServer> {
  const port = await freePort();
  const env = {
    ...loopbackServerEnv(port, s.jwtSecret, s.logLevel),
    REDIS_URL: s.redisUrl,
    MONGODB_URL: s.mongoUrl,
    MONGODB_DB: s.mongoDb,
    BOARDS_REDIS: "on",
    OUTBOX_PATH: path.join(s.dir, "outbox-{port}.jsonl"),
    DEAD_LETTER_PATH: path.join(s.dir, "dead-letter-{port}.jsonl"),
    SHUTDOWN_GRACE_MS: "2000",
  };
  const spawnedAt = Date.now();
  const child = track(spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] }));
  const proc = new ServerProc(port, child);
  const lines: BoardsServer["lines"] = [];
  let partial = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const all = text.split("\n");
    partial = all.pop() ?? "";
    for (const line of all) {
      // Only the lines the bench reads are parsed: every request logs one at info.
      if (!line.includes('"msg":"boards:') && !/"level":[4-6]\d/.test(line)) continue;
      try {
        lines.push({ ...(JSON.parse(line) as LogLine), at: Date.now() });
      } catch {
        // not a pino line
      }
    }
  });
  const server: BoardsServer = { proc, spawnedAt, lines, stop: () => proc.stop() };
  try {
    await proc.ready(60_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return server;
}
