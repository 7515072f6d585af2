/**
 * A Redis server of a test's own, on a free loopback port, with its data in a temp dir
 * (AOF on, so a restart keeps what it had, as in production). Tests that stop Redis use
 * this one: the machine's Redis is never stopped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { freePort } from "../../loadtest/support/ports";
import { waitUntil } from "./wait";

export class OwnRedis {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), "ll-redis-"));
  port = 0;

  /** A URL for DB `db` of this server. */
  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  /** Starts it (on the same port as before when restarted). */
  async start(): Promise<void> {
    this.port ||= await freePort();
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--appendonly", "yes", "--save", ""], { stdio: "ignore" });
    this.child = child;
    child.once("error", () => undefined);
    const probe = new Redis(this.url(), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      await waitUntil(async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error("redis-server exited at start (is redis-server installed?)");
        return probe.connect().then(() => probe.ping().then(() => true), () => false);
      }, `redis-server on port ${this.port}`, 10000, 50);
    } finally {
      probe.disconnect();
    }
  }

  /** Kills it at once (no save beyond the AOF), as a crash or a lost machine would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return; // already gone (a signal sets signalCode, not exitCode)
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
