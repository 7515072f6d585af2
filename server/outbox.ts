/**
 * Where a finished duel's result waits, durably, until MongoDB has it: the outbox. A result
 * is appended here before any learner is told it (DESIGN: durable before visible), and the
 * recorder (results.service.ts) writes the oldest ones to the store and removes them.
 *
 * - {@link RedisOutbox} (with REDIS_URL): one Redis stream for the cluster, read through a
 *   consumer group. Each process writes what it appended; entries a dead process had taken
 *   are claimed by a live one, so no result is stranded on a dead machine. Redis keeps them
 *   as well as its persistence does (AOF in docker-compose).
 * - {@link FileOutbox} (without, or while Redis is away): this process's own append-only
 *   file, fsynced before `append` resolves. A lock file keeps two processes from sharing one;
 *   a process adopts the files of stopped processes in the same folder.
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type Redis from "ioredis";
import type { MatchResult } from "../rooms/shared/match-result";
import type { Logger } from "./logger";

/** One waiting result; `result` is what was appended (it may be malformed: the recorder checks). */
export interface OutboxEntry {
  id: string;
  result: MatchResult;
}

export interface Outbox {
  /** Where the results wait, for logs and /admin. */
  readonly where: string;
  /** Results waiting, as last counted. */
  readonly depth: number;
  start(): Promise<void>;
  /** Resolves once the result survives a crash of this process. */
  append(result: MatchResult): Promise<void>;
  /** The oldest results this process should write now (its own first, then stranded ones). */
  next(max: number): Promise<OutboxEntry[]>;
  /** Forgets results the store has (or that were put aside). */
  remove(ids: readonly string[]): Promise<void>;
  /** Every result still waiting, as far as this process can see (for pending XP). */
  pending(): Promise<MatchResult[]>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// The file outbox

/** Runs file operations one at a time (an append never lands in a file being rewritten). */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.tail.then(op, op);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/**
 * A lock beside a file, naming its holder as `pid:start:token`: the pid, when that process
 * started (Linux /proc; empty elsewhere) and a token of the taking. Taken when free or left
 * by a holder that is gone: a pid that no longer runs, a pid reused by another process (its
 * start differs), or this very pid after a restart in a container, where the new process is
 * pid 1 again (the token is not one this process took).
 */
class PidLock {
  /** Tokens of the locks this process took. */
  private static readonly mine = new Set<string>();
  private readonly token = randomUUID();

  constructor(readonly path: string) {}

  async take(): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(this.path, `${process.pid}:${await startOf(process.pid)}:${this.token}`, { flag: "wx" });
        PidLock.mine.add(this.token);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        if (await PidLock.held(this.path)) return false;
        await rm(this.path, { force: true }); // left by a holder that is gone
      }
    }
    return false;
  }

  async release(): Promise<void> {
    PidLock.mine.delete(this.token);
    await rm(this.path, { force: true });
  }

  /** Whether a lock file names a holder that still runs. */
  static async held(path: string): Promise<boolean> {
    const [pidText, start = "", token = ""] = (await readFile(path, "utf8").catch(() => "")).split(":");
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    if (pid === process.pid) return PidLock.mine.has(token);
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
    }
    return start === "" || start === (await startOf(pid));
  }
}

/** When a process started (field 22 of /proc/<pid>/stat, in clock ticks since boot); "" where unknown. */
async function startOf(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? "";
}

const lockOf = (path: string) => `${path}.lock`;
/** The one shared file of versions before the per-process outbox (the old OUTBOX_PATH default): adopted by the first process that starts beside it. */
const LEGACY_NAME = "outbox.jsonl";

/**
 * This process's append-only file of JSON lines, one result each. A torn last line (a crash
 * mid-write) is skipped on load; removals rewrite the file atomically (temp file + rename).
 */
export class FileOutbox implements Outbox {
  private entries: OutboxEntry[] = [];
  private readonly io = new Serial();
  private file?: FileHandle;
  private lock?: PidLock;
  /** The file this process writes (OUTBOX_PATH, or a sibling when another process holds it). */
  private path: string;

  constructor(
    private readonly configured: string,
    private readonly log: Pick<Logger, "info" | "warn">,
  ) {
    this.path = configured;
  }

  get where(): string {
    return this.path;
  }

  get depth(): number {
    return this.entries.length;
  }

  /** Takes the file (or a sibling of its own if another running process has it) and adopts what stopped processes left. */
  async start(): Promise<void> {
    await mkdir(dirname(this.configured), { recursive: true });
    this.lock = new PidLock(lockOf(this.configured));
    if (!(await this.lock.take())) {
      this.path = sibling(this.configured, `${process.pid}-${randomUUID().slice(0, 8)}`);
      this.lock = new PidLock(lockOf(this.path));
      await this.lock.take();
      this.log.warn({ configured: this.configured, using: this.path }, "outbox: another running process uses OUTBOX_PATH; give each process its own (the default has {port}); this one writes beside it");
    }
    this.entries = (await readEntries(this.path, this.log)).map((result) => ({ id: result.matchId, result }));
    for (const orphan of await this.orphans()) {
      const results = await readEntries(orphan, this.log);
      for (const result of results) await this.append(result);
      await rm(orphan, { force: true });
      if (results.length > 0) this.log.info({ from: orphan, results: results.length }, "outbox: adopted the results a stopped process left");
    }
    if (this.entries.length > 0) this.log.info({ results: this.entries.length, path: this.path }, "outbox: results from an earlier run wait to be written");
  }

  /** Outbox files beside ours whose process is gone (siblings of OUTBOX_PATH, and OUTBOX_PATH itself). */
  private async orphans(): Promise<string[]> {
    const dir = dirname(this.configured);
    const stem = basename(this.configured, extname(this.configured));
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => (n.startsWith(stem) && n.endsWith(extname(this.configured)) && !n.endsWith(".tmp")) || n === LEGACY_NAME);
    const out: string[] = [];
    for (const name of names) {
      const path = join(dir, name);
      if (path === this.path || (await PidLock.held(lockOf(path)))) continue;
      out.push(path);
    }
    return out;
  }

  append(result: MatchResult): Promise<void> {
    return this.io.run(async () => {
      this.file ??= await open(this.path, "a");
      await this.file.write(`${JSON.stringify(result)}\n`);
      await this.file.datasync();
      this.entries.push({ id: result.matchId, result });
    });
  }

  async next(max: number): Promise<OutboxEntry[]> {
    return this.entries.slice(0, max);
  }

  remove(ids: readonly string[]): Promise<void> {
    const gone = new Set(ids);
    return this.io.run(async () => {
      this.entries = this.entries.filter((e) => !gone.has(e.id));
      await this.file?.close();
      this.file = undefined;
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, this.entries.map((e) => `${JSON.stringify(e.result)}\n`).join(""), "utf8");
      await rename(tmp, this.path);
    });
  }

  async pending(): Promise<MatchResult[]> {
    return this.entries.map((e) => e.result);
  }

  async stop(): Promise<void> {
    await this.io.run(async () => {
      await this.file?.close();
      this.file = undefined;
    });
    await this.lock?.release();
  }
}

function sibling(path: string, tag: string): string {
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}.${tag}${ext}`);
}

async function readEntries(path: string, log: Pick<Logger, "warn">): Promise<MatchResult[]> {
  let text = "";
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const out: MatchResult[] = [];
  for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
    try {
      out.push(JSON.parse(line) as MatchResult);
    } catch {
      log.warn({ path }, "outbox: skipped a torn line");
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The Redis stream outbox

const STREAM = "lingualeap:results";
const GROUP = "writers";
/** How long an append waits for a replica to confirm it (Sentinel). */
const REPLICA_WAIT_MS = 250;
/** An entry is claimed from a dead holder only when it was delivered at least this long ago (longer than a store write's timeout). */
const CLAIM_MIN_IDLE_MS = 5000;
/** A consumer with nothing pending and idle this long, whose process is gone, is forgotten. */
const FORGET_CONSUMER_MS = 60_000;
/** How often a process looks for entries a dead process had taken. */
const CLAIM_EVERY_MS = 1000;

type StreamEntry = [id: string, fields: string[]];

/**
 * One stream for the cluster. `append` is XADD (resolved once Redis has it); each process
 * reads new entries through the consumer group under its own process id, so an entry is
 * written by one process at a time; XACK+XDEL once the store has it. Entries delivered to a
 * consumer whose process no longer beats are claimed (XCLAIM) by a live one.
 */
export class RedisOutbox implements Outbox {
  private count = 0;
  private lastClaim = 0;
  private grouped = false;

  constructor(
    private readonly redis: Redis,
    /** This process's id: its consumer name. */
    private readonly consumer: () => string,
    /** Whether another process still beats (its entries are its own). */
    private readonly alive: (processId: string) => Promise<boolean>,
    private readonly log: Pick<Logger, "info" | "warn">,
    /** Replicas that must have an entry before it counts as kept (1 with Sentinel, else 0). */
    private readonly replicas = 0,
  ) {}

  readonly where = `redis stream ${STREAM}`;

  get depth(): number {
    return this.count;
  }

  async start(): Promise<void> {
    await this.ensureGroup();
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup("CREATE", STREAM, GROUP, "0", "MKSTREAM");
    } catch (err) {
      if (!String((err as Error).message).startsWith("BUSYGROUP")) throw err;
    }
    this.grouped = true;
  }

  /** Runs a command that needs the group, making it again if Redis lost it (restarted empty). */
  private async withGroup<T>(op: () => Promise<T>): Promise<T> {
    if (!this.grouped) await this.ensureGroup();
    try {
      return await op();
    } catch (err) {
      if (!String((err as Error).message).startsWith("NOGROUP")) throw err;
      await this.ensureGroup();
      return op();
    }
  }

  /**
   * XADD; with replicas, also WAIT for one to have it: replication is asynchronous, and a
   * primary that dies before passing an entry on loses it in the failover. Not confirmed in
   * time, the append fails and the recorder keeps the result in this process's file as well
   * (its matchId keeps it exactly once).
   */
  async append(result: MatchResult): Promise<void> {
    await this.redis.xadd(STREAM, "*", "r", JSON.stringify(result));
    if (this.replicas === 0) return;
    const confirmed = Number(await this.redis.wait(this.replicas, REPLICA_WAIT_MS));
    if (confirmed < this.replicas) throw new Error(`no replica confirmed the result within ${REPLICA_WAIT_MS} ms`);
  }

  async next(max: number): Promise<OutboxEntry[]> {
    const me = this.consumer();
    // Ours first: taken earlier, not written yet (the store was down).
    let entries = await this.read(me, "0", max);
    if (entries.length === 0 && Date.now() - this.lastClaim >= CLAIM_EVERY_MS) {
      this.lastClaim = Date.now();
      entries = await this.claimStranded(me, max);
    }
    if (entries.length === 0) entries = await this.read(me, ">", max);
    this.count = await this.redis.xlen(STREAM);
    return entries;
  }

  private async read(me: string, from: string, max: number): Promise<OutboxEntry[]> {
    const reply = (await this.withGroup(() => this.redis.xreadgroup("GROUP", GROUP, me, "COUNT", max, "STREAMS", STREAM, from))) as [string, StreamEntry[]][] | null;
    return parse(reply?.[0]?.[1] ?? []);
  }

  /** Entries delivered to consumers whose process is gone, claimed by this one. */
  private async claimStranded(me: string, max: number): Promise<OutboxEntry[]> {
    const consumers = (await this.withGroup(() => this.redis.xinfo("CONSUMERS", STREAM, GROUP))) as unknown[][];
    for (const info of consumers) {
      const fields = toRecord(info);
      const name = String(fields.name);
      if (name === me) continue;
      if (Number(fields.pending) === 0) {
        // A consumer name per process start: forgotten once long idle (never one that may
        // be about to read: deleting it would strand what it read).
        if (Number(fields.idle) > FORGET_CONSUMER_MS && !(await this.alive(name))) await this.redis.xgroup("DELCONSUMER", STREAM, GROUP, name);
        continue;
      }
      if (await this.alive(name)) continue;
      const pending = (await this.redis.xpending(STREAM, GROUP, "-", "+", max, name)) as [string, string, number, number][];
      if (pending.length === 0) continue;
      // min-idle: another process claiming the same entries at the same moment gets none (a
      // claim resets their idle time), and entries a stalled holder is still writing
      // (delivered less than that ago) are left to it.
      const claimed = (await this.redis.xclaim(STREAM, GROUP, me, CLAIM_MIN_IDLE_MS, ...pending.map((p) => p[0]))) as StreamEntry[];
      if (claimed.length === 0) continue;
      this.log.info({ from: name, results: claimed.length }, "outbox: took over the results a stopped process had not written");
      return parse(claimed);
    }
    return [];
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.multi().xack(STREAM, GROUP, ...ids).xdel(STREAM, ...ids).exec();
  }

  async pending(): Promise<MatchResult[]> {
    const entries = parse((await this.redis.xrange(STREAM, "-", "+", "COUNT", 10_000)) as StreamEntry[]);
    this.count = entries.length;
    return entries.map((e) => e.result);
  }

  async stop(): Promise<void> {}
}

function parse(entries: StreamEntry[]): OutboxEntry[] {
  return entries
    .filter(([, fields]) => fields) // an entry deleted after it was delivered comes back empty
    .map(([id, fields]) => {
      const json = fields[fields.indexOf("r") + 1];
      let result: unknown;
      try {
        result = JSON.parse(json);
      } catch {
        result = { unreadable: json };
      }
      return { id, result: result as MatchResult };
    });
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
