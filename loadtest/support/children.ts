/**
 * Child processes of a load run (the harness's servers and shards, the fault run's Redis and
 * game processes): every one is tracked and killed on the way out, whatever the way; and
 * bounded waits, on them and on anything else.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";

/** The repository root: the working directory of every child. */
export const ROOT = path.resolve(__dirname, "..", "..");

const children = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export function killAllNow(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}
process.on("exit", killAllNow);

/** Whether the child has exited (by itself or by a signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when the child has exited, or after `ms` (then false). */
export function exitWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, ms);
    child.once("exit", onExit);
  });
}

/** Resolves once the child's IPC channel has closed (every message delivered), or after `ms`. */
export function disconnected(child: ChildProcess, ms: number): Promise<void> {
  if (!child.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once("disconnect", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
