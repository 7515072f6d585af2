/**
 * Files of JSON lines, one entry each, that must survive a crash: the file outbox
 * (FileOutbox.ts) and the dead letters (DeadLetters.ts) both keep results a learner was shown.
 * An append is on disk before it resolves; a removal rewrites the file through a temp file
 * that is on disk before it replaces the old one; a torn last line (a crash mid-write) is
 * skipped on load.
 */
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "./logger";
import { Serial } from "./Serial";

/** The entries of a JSON-lines file ([] when it does not exist), skipping torn lines. */
export async function readJsonLines<T>(path: string, log: Pick<Logger, "warn">): Promise<T[]> {
  let text = "";
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const out: T[] = [];
  for (const line of text.split("\n").filter((l) => l.trim() !== "")) {
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      log.warn({ path }, "skipped a torn line");
    }
  }
  return out;
}

/** Writes `entries` as lines to `path` (flag "w" or "a") and waits until they are on disk. */
async function writeLines(path: string, flag: "w" | "a", entries: readonly unknown[]): Promise<void> {
  const file = await open(path, flag);
  try {
    await file.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** `entries` as the lines of `path`, fsynced, then put in place by rename (all or nothing). */
export async function rewriteJsonLines(path: string, entries: readonly unknown[]): Promise<void> {
  await writeLines(`${path}.tmp`, "w", entries);
  await rename(`${path}.tmp`, path);
}

/** Appends `entries` to `path` and waits until they are on disk. */
export function appendJsonLines(path: string, entries: readonly unknown[]): Promise<void> {
  return writeLines(path, "a", entries);
}

/** A JSON-lines file kept in memory too, one file operation at a time, entries found by key. */
export class JsonLines<T> {
  private entries: T[] = [];
  private readonly io = new Serial();

  constructor(
    readonly path: string,
    private readonly keyOf: (entry: T) => string,
  ) {}

  async load(log: Pick<Logger, "warn">): Promise<T[]> {
    this.entries = await readJsonLines<T>(this.path, log);
    return this.list();
  }

  list(): T[] {
    return this.entries.slice();
  }

  get size(): number {
    return this.entries.length;
  }

  /** Appends, on disk before it resolves; an append never lands in a file being rewritten. */
  append(entry: T): Promise<void> {
    return this.io.run(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendJsonLines(this.path, [entry]);
      this.entries.push(entry);
    });
  }

  /** Drops the entries with these keys (the file rewritten all or nothing). */
  remove(keys: ReadonlySet<string>): Promise<void> {
    return this.io.run(async () => {
      this.entries = this.entries.filter((e) => !keys.has(this.keyOf(e)));
      await mkdir(dirname(this.path), { recursive: true });
      await rewriteJsonLines(this.path, this.entries);
    });
  }
}
