/**
 * A Redis primary, one replica and three Sentinels of a test's own, on free loopback ports,
 * each in a temporary directory (never the machine's Redis on 6379). The data nodes keep an
 * AOF (appendonly yes), so a restarted node keeps its data; the Sentinels watch the primary
 * under one name and promote the replica when it dies.
 *
 * Every child is killed (and every directory removed) by `stop()`, and, should the test
 * process exit without it, by an exit hook: nothing outlives the test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { freePort } from "../../loadtest/support/ports";
import { waitUntil } from "./wait";

export interface RedisNode {
  port: number;
  child: ChildProcess;
  /** Its working directory (the AOF, the rewritten Sentinel config). */
  dir: string;
  /** The tail of its output (for failure messages). */
  output(): string;
}

export interface SentinelOptions {
  /** The primary's name the Sentinels watch. */
  masterName?: string;
  /** A node silent this long is subjectively down. */
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

export interface SentinelSet {
  masterName: string;
  primary: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** The Sentinels as REDIS_SENTINELS wants them: `127.0.0.1:S1,127.0.0.1:S2,…`. */
  sentinelList: string;
  /** The primary's port as each Sentinel names it now (`SENTINEL get-master-addr-by-name`); undefined for one that does not answer. */
  masterPorts(): Promise<(number | undefined)[]>;
  /**
   * Starts a killed data node again: same port, same directory and config (its AOF, and no
   * `replicaof` for the first primary, as an operator restarting it would). The Sentinels then
   * turn it into a replica of whoever is primary now.
   */
  restart(node: RedisNode): Promise<RedisNode>;
  /** Kills every node and Sentinel at once and removes their directories. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

/** Synchronous, so it also works from the "exit" event. */
function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", killAll);
}

/** Starts `redis-server <conf> [--sentinel]` on a free port, retrying when the port was taken meanwhile. */
async function startNode(kind: string, conf: (port: number, dir: string) => string, sentinel = false, again?: RedisNode): Promise<RedisNode> {
  hookExit();
  let lastOutput = "";
  for (let attempt = 1; attempt <= (again ? 1 : 3); attempt++) {
    const port = again?.port ?? (await freePort());
    const dir = again?.dir ?? mkdtempSync(join(tmpdir(), `ll-redis-${kind}-`));
    dirs.add(dir);
    const file = join(dir, sentinel ? "sentinel.conf" : "redis.conf");
    if (!again) writeFileSync(file, conf(port, dir));
    const child = spawn("redis-server", [file, ...(sentinel ? ["--sentinel"] : [])], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    let output = "";
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-6000));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.once("exit", () => live.delete(child));
    const node: RedisNode = { port, child, dir, output: () => output };
    const up = await waitUntil(() => child.exitCode !== null || ping(port), `${kind} on port ${port} to answer`, 5000, 25).then(
      () => child.exitCode === null,
      () => false,
    );
    if (up) return node;
    lastOutput = output;
    child.kill("SIGKILL");
  }
  throw new Error(`${kind} did not start:\n${lastOutput}`);
}

async function ping(port: number): Promise<boolean> {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Runs one command against a node, on a short-lived connection that never retries. */
export async function redisCommand(port: number, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, commandTimeout: 1000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await client.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    client.disconnect();
  }
}

function fields(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const list = Array.isArray(flat) ? flat : [];
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = String(list[i + 1]);
  return out;
}

const dataConf = (replicaOf?: number) => (port: number, dir: string) =>
  [
    `port ${port}`,
    "bind 127.0.0.1",
    `dir ${dir}`,
    'save ""',
    "appendonly yes",
    "appendfsync everysec",
    // A replica that connects is sent the data at once (the default waits 5 s for others to join).
    "repl-diskless-sync-delay 0",
    ...(replicaOf ? [`replicaof 127.0.0.1 ${replicaOf}`] : []),
    "",
  ].join("\n");

/**
 * Starts the primary, the replica (waits until it is in sync) and three Sentinels (waits
 * until each sees the replica and the other two, so a failover can be agreed at once).
 * Redis 7.0 wants each Sentinel's config in a writable file (it rewrites it).
 */
export async function startSentinelSet(options: SentinelOptions = {}): Promise<SentinelSet> {
  const masterName = options.masterName ?? "lingualeap";
  const downAfter = options.downAfterMs ?? 1000;
  const failoverTimeout = options.failoverTimeoutMs ?? 5000;
  const started: RedisNode[] = [];
  const stop = async () => {
    const exits = started.map((n) => (n.child.exitCode === null && n.child.signalCode === null ? new Promise((r) => n.child.once("exit", r)) : undefined));
    for (const n of started) if (n.child.exitCode === null) n.child.kill("SIGKILL");
    await Promise.all(exits);
    for (const n of started) {
      rmSync(n.dir, { recursive: true, force: true });
      dirs.delete(n.dir);
    }
  };
  try {
    const primary = await startNode("primary", dataConf());
    started.push(primary);
    const sentinelConf = (port: number, dir: string) =>
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${masterName} ${downAfter}`,
        `sentinel failover-timeout ${masterName} ${failoverTimeout}`,
        `sentinel parallel-syncs ${masterName} 1`,
        "",
      ].join("\n");
    const starting = [startNode("replica", dataConf(primary.port)), ...[1, 2, 3].map((i) => startNode(`sentinel${i}`, sentinelConf, true))];
    const settled = await Promise.allSettled(starting);
    for (const s of settled) if (s.status === "fulfilled") started.push(s.value);
    for (const s of settled) if (s.status === "rejected") throw s.reason;
    const [replica, ...sentinels] = settled.map((s) => (s as PromiseFulfilledResult<RedisNode>).value);
    await waitUntil(async () => /master_link_status:up/.test(String(await redisCommand(replica.port, "INFO", "replication"))), "the replica to sync", 10000, 50);
    // Sentinels find each other through the primary's hello channel (every 2 s).
    await waitUntil(
      async () => {
        for (const s of sentinels) {
          const info = fields(await redisCommand(s.port, "SENTINEL", "MASTER", masterName));
          if (info["num-slaves"] !== "1" || info["num-other-sentinels"] !== "2") return false;
        }
        return true;
      },
      "the Sentinels to see the replica and each other",
      15000,
      100,
    );
    const masterPorts = () =>
      Promise.all(
        sentinels.map(async (s) => {
          const addr = await redisCommand(s.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName).catch(() => undefined);
          return Array.isArray(addr) && addr.length === 2 ? Number(addr[1]) : undefined;
        }),
      );
    const restart = async (node: RedisNode) => {
      if (node.child.exitCode === null && node.child.signalCode === null) throw new Error(`the node on port ${node.port} is still running`);
      const again = await startNode(`restarted-${node.port}`, () => "", false, node);
      started.push(again);
      return again;
    };
    return { masterName, primary, replica, sentinels, sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(","), masterPorts, restart, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
