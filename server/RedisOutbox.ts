/**
 * The outbox with REDIS_URL: one Redis stream for the cluster, read through a consumer group.
 * Each process writes what it appended; entries a dead process had taken are claimed by a
 * live one, so no result is stranded on a dead machine.
 */
import type Redis from "ioredis";
import type { MatchResult } from "../rooms/shared/match-result";
import type { Logger } from "./logger";
import type { Outbox, OutboxEntry } from "./outbox";


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
