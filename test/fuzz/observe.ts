/** What the fuzz suite watches on the server under test: internal text, memory, its log. */
import { readFileSync } from "node:fs";
import { INTERNAL_TEXT } from "../helpers/http";
import type { ServerProcess } from "../helpers/processes";

/**
 * Text that only an exception, a stack trace or a driver puts in an answer
 * (test/helpers/http.ts). The generators never produce it themselves (see {@link isTame}),
 * so any match in an answer is the server's own.
 */
export { INTERNAL_TEXT };

/** True when `bytes` (read as UTF-8 and as Latin-1) holds no {@link INTERNAL_TEXT}: the server may echo it. */
export function isTame(bytes: Buffer | string): boolean {
  if (typeof bytes === "string") return !INTERNAL_TEXT.test(bytes);
  return !INTERNAL_TEXT.test(bytes.toString("utf8")) && !INTERNAL_TEXT.test(bytes.toString("latin1"));
}

/** The server's resident memory in MB (2^20 bytes), from /proc (child.pid is the server: node runs tsx in-process). */
export function rssMb(p: ServerProcess): number {
  const status = readFileSync(`/proc/${p.child.pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS in /proc/${p.child.pid}/status`);
  return Math.round(kb / 102.4) / 10;
}

/**
 * Keeps the server's whole output from now on (`output()` keeps only its last 8,000
 * characters, which a flood of warnings would push an error out of).
 */
export function captureOutput(p: ServerProcess): () => string {
  let text = p.output();
  const keep = (chunk: Buffer) => void (text += chunk.toString());
  p.child.stdout!.on("data", keep);
  p.child.stderr!.on("data", keep);
  return () => text;
}

/** Lines of the output that are errors: pino level 50 (error) or 60 (fatal), or anything that is not a pino line. */
export function errorLines(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => line.trim() !== "")
    .filter((line) => {
      try {
        const level = (JSON.parse(line) as { level?: unknown }).level;
        return typeof level !== "number" || level >= 50;
      } catch {
        return true;
      }
    });
}

/** Counts by key, printed largest first ("200:1234 404:567"). */
export class Histogram {
  private counts = new Map<string, number>();

  add(key: string | number, n = 1): void {
    this.counts.set(String(key), (this.counts.get(String(key)) ?? 0) + n);
  }

  /** Adds these counts to `into`. */
  addAll(into: Histogram): void {
    for (const [key, n] of this.counts) into.add(key, n);
  }

  get(key: string | number): number {
    return this.counts.get(String(key)) ?? 0;
  }

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  toString(): string {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}:${n}`).join(" ");
  }
}
