/**
 * Results the store refused for good, kept for an operator (`/admin/dead-letters`): an
 * append-only file of JSON lines, one result each, read back at start-up and replayed
 * exactly once. See results.service.ts for when a result is put aside.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "./logger";
import { Serial } from "./Serial";

/**
 * An append-only file of JSON lines, one entry each, kept in memory too. A torn last line
 * (a crash mid-write) is skipped on load; removals rewrite the file atomically.
 */
export class JsonLines<T> {
  private entries: T[] = [];
  private readonly io = new Serial();

  constructor(
    readonly path: string,
    private readonly keyOf: (entry: T) => string,
  ) {}

  async load(log: Pick<Logger, "warn">): Promise<T[]> {
    let text = "";
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    this.entries = [];
    for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
      try {
        this.entries.push(JSON.parse(line) as T);
      } catch {
        log.warn({ path: this.path }, "skipped a torn line");
      }
    }
    return this.list();
  }

  list(): T[] {
    return this.entries.slice();
  }

  get size(): number {
    return this.entries.length;
  }

  /** Appends; one file operation at a time, so an append never lands in a file being rewritten. */
  append(entry: T): Promise<void> {
    return this.io.run(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, `${JSON.stringify(entry)}\n`, "utf8");
      this.entries.push(entry);
    });
  }

  /** Drops the entries with these keys; rewrites the file atomically (temp file + rename). */
  remove(keys: ReadonlySet<string>): Promise<void> {
    return this.io.run(async () => {
      this.entries = this.entries.filter((e) => !keys.has(this.keyOf(e)));
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      await writeFile(tmp, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(""), "utf8");
      await rename(tmp, this.path);
    });
  }
}

/** A result the store refused for good, with why. */
export interface DeadLetter {
  matchId: string;
  /** Epoch ms of the last failure. */
  failedAt: number;
  reason: string;
  /** The result as it came (it may be malformed: that can be the reason). */
  result: unknown;
}

export class DeadLetters extends JsonLines<DeadLetter> {
  constructor(path: string) {
    super(path, (d) => d.matchId);
  }
}
