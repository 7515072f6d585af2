/**
 * The outbox without Redis, or while it is away: this process's own append-only file,
 * fsynced before `append` resolves. A lock file keeps two processes from sharing one; a
 * process adopts the files of stopped processes in the same folder (and the shared
 * outbox.jsonl of earlier versions).
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, readFile, rm, writeFile, type FileHandle } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { MatchResult } from "../rooms/shared/match-result";
import type { Logger } from "./logger";
import type { Outbox, OutboxEntry } from "./outbox";
import { appendJsonLines, readJsonLines, rewriteJsonLines } from "./JsonLines";
import { Serial } from "./Serial";

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
    this.entries = (await readJsonLines<MatchResult>(this.path, this.log)).map((result) => ({ id: result.matchId, result }));
    for (const orphan of await this.orphans()) {
      const results = await readJsonLines<MatchResult>(orphan, this.log);
      await this.adopt(results);
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

  /** Results a stopped process left, made ours in one fsynced write. */
  private adopt(results: readonly MatchResult[]): Promise<void> {
    if (results.length === 0) return Promise.resolve();
    return this.io.run(async () => {
      await this.file?.close();
      this.file = undefined;
      await appendJsonLines(this.path, results);
      this.entries.push(...results.map((result) => ({ id: result.matchId, result })));
    });
  }

  async next(max: number): Promise<OutboxEntry[]> {
    return this.entries.slice(0, max);
  }

  remove(ids: readonly string[]): Promise<void> {
    // Nothing to drop (a pass during a store outage): the file stays as it is.
    if (ids.length === 0) return Promise.resolve();
    const gone = new Set(ids);
    return this.io.run(async () => {
      this.entries = this.entries.filter((e) => !gone.has(e.id));
      await this.file?.close();
      this.file = undefined;
      await rewriteJsonLines(this.path, this.entries.map((e) => e.result));
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
