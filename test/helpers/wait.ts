/** Waiting on events with a timeout: the only way tests synchronise (no fixed sleeps). */
import type { Room } from "colyseus.js";

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves once `check()` holds, re-checking every `everyMs`; rejects after `ms` and stops
 * checking. Only for conditions no event announces (a counter, another process's state).
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 5000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves when `check()` is true, re-checking after every state patch. */
export function waitForState<S>(room: Room<S>, check: (state: S) => boolean, what: string, ms = 5000): Promise<S> {
  return withTimeout(
    new Promise<S>((resolve) => {
      if (room.state && check(room.state)) return resolve(room.state);
      const off = room.onStateChange((state) => {
        if (check(state)) {
          off?.clear?.();
          resolve(state);
        }
      });
    }),
    ms,
    what,
  );
}

export interface Received {
  type: string;
  message: any;
}

/**
 * Records every message a room receives, and waits for the next of a type.
 * Register it right after joining so nothing is missed.
 */
export class MessageLog {
  readonly all: Received[] = [];
  private waiters: { type: string; from: number; resolve: (m: any) => void }[] = [];

  constructor(room: Room) {
    room.onMessage("*", (type, message) => {
      this.all.push({ type: String(type), message });
      for (const w of this.waiters.slice()) this.check(w);
    });
  }

  private check(w: { type: string; from: number; resolve: (m: any) => void }): boolean {
    const hit = this.all.slice(w.from).find((r) => r.type === w.type);
    if (!hit) return false;
    this.waiters = this.waiters.filter((x) => x !== w);
    w.resolve(hit.message);
    return true;
  }

  of(type: string): any[] {
    return this.all.filter((r) => r.type === type).map((r) => r.message);
  }

  /** The first message of `type` at or after index `from` (default: from now on). */
  next(type: string, ms = 5000, from = this.all.length): Promise<any> {
    return withTimeout(
      new Promise((resolve) => {
        const w = { type, from, resolve };
        if (!this.check(w)) this.waiters.push(w);
      }),
      ms,
      `message "${type}"`,
    );
  }
}
