/** Real server processes for cluster tests: `node --import tsx server/main.ts` on loopback ports. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Redis from "ioredis";
import { freePort } from "../../loadtest/support/ports";
import { TEST_ENV } from "./server";
import { withTimeout } from "./wait";

const ROOT = resolve(__dirname, "..", "..");

/**
 * The cluster tests' own Redis DB index on the machine's Redis: the driver's keys are not
 * namespaced, so tests never share a DB index with another environment. TEST_REDIS_URL
 * picks another (two suites at once need two).
 */
export const CLUSTER_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/13";

/** The cluster tests' Redis DB (or `url`), connected and emptied. */
export async function openClusterRedis(url = CLUSTER_REDIS_URL): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.flushdb();
  return redis;
}

/** Empties a Redis DB {@link openClusterRedis} gave and lets go of it (nothing when there is none). */
export async function closeClusterRedis(redis: Redis | undefined): Promise<void> {
  await redis?.flushdb();
  redis?.disconnect();
}

export interface ServerProcess {
  port: number;
  http: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts one server process with the test settings plus `env`, and waits for /readyz. */
export async function startProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const outbox = join(mkdtempSync(join(tmpdir(), "ll-proc-")), "outbox.jsonl");
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_ENV, LOG_LEVEL: "warn", OUTBOX_PATH: outbox, PORT: String(port), PUBLIC_ADDRESS: `127.0.0.1:${port}`, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const http = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
      const ok = await fetch(`${http}/readyz`).then((r) => r.ok, () => false);
      if (ok) return;
      await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
    }
  })();
  try {
    await withTimeout(ready, 30000, `server on port ${port} to be ready`);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return {
    port,
    http,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}
