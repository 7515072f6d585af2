/**
 * Sends the queued offline practices (queue.ts) to the server, one at a time, oldest first,
 * each recorded exactly once. The guarantee and how it holds:
 * 1. A practice leaves the queue only when the server has answered for it: a receipt (200,
 *    "recorded", or "duplicate" when it was recorded before) or a refusal that stands (400,
 *    409, 413, 422: an OFFLINE_* code saying why). Anything else — no network, a time-out, a
 *    5xx, a rate limit, a route this server lacks — keeps it, and the next try waits longer.
 * 2. A practice sent twice (the answer was lost, the tab closed before it was taken out) is
 *    recorded once: its id was made on the device, and the server answers "duplicate".
 * 3. Never two syncs at once: in a tab, a call during a run makes one more run after it; across
 *    tabs, runs take the origin's lock (`exclusive`: navigator.locks where the browser has it),
 *    and each run reads the queue afresh, so what another tab sent is not sent again.
 * 4. A practice goes with its own learner's token only; signed out, the queue waits.
 */
import type { OfflinePractice, OfflineReceipt } from "../../../client-sdk";
import { backoffDelay, type BackoffOptions } from "../../../client-sdk/backoff";
import { LinguaLeapError } from "../../../client-sdk/errors";
import type { PracticeQueue, QueuedPractice } from "./queue";

/** What a sync tells the learner: a practice saved (with its receipt) or refused for good. */
export type SyncEvent =
  | { kind: "saved"; item: QueuedPractice; receipt: OfflineReceipt }
  | { kind: "refused"; item: QueuedPractice; code: string; message: string }
  /** A run ended (the queue may have changed). */
  | { kind: "settled" };

/** One send's outcome, and what it means for the practice. */
export type SendOutcome = { receipt: OfflineReceipt } | { error: unknown };
export type Decision = { action: "remove"; because: "saved" | "refused" } | { action: "keep"; until: "later" | "signed-in" };

/** Answers that refuse a practice for good: sent again it would be refused again. */
const REFUSING = new Set([400, 409, 410, 413, 422]);

/**
 * What to do with a practice after one send: remove it (saved, or refused for good) or keep it
 * (try later; or once signed in again, when the token was refused).
 * @example decide({ error: new LinguaLeapError("OFFLINE_TOO_OLD", "too old", 422) }) // { action: "remove", because: "refused" }
 * @example decide({ error: new LinguaLeapError("NETWORK", "offline") }) // { action: "keep", until: "later" }
 */
export function decide(outcome: SendOutcome): Decision {
  if ("receipt" in outcome) return { action: "remove", because: "saved" };
  const err = outcome.error;
  if (!(err instanceof LinguaLeapError)) return { action: "keep", until: "later" };
  if (err.code.startsWith("AUTH_")) return { action: "keep", until: "signed-in" };
  if (err.status !== undefined && REFUSING.has(err.status)) return { action: "remove", because: "refused" };
  return { action: "keep", until: "later" };
}

/** The learner a token names (its `sub`), read without checking it: only to match practices to learners. */
export function learnerOf(token: string | undefined): string | undefined {
  const payload = token?.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { sub?: unknown };
    return typeof json.sub === "string" ? json.sub : undefined;
  } catch {
    return undefined;
  }
}

export interface SyncDeps {
  queue: PracticeQueue;
  send(practice: OfflinePractice): Promise<OfflineReceipt>;
  /** Whether there is a token to send with, and whose it is. */
  signedIn(): boolean;
  learner(): string | undefined;
  online(): boolean;
  /** Runs `job` holding the origin's one sync lock (every tab's). */
  exclusive(job: () => Promise<void>): Promise<void>;
  /** Waits between tries while the server cannot be reached: 5 s doubling to 5 min. */
  backoff?: BackoffOptions;
  rng?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export const SYNC_BACKOFF: BackoffOptions = { baseMs: 5_000, maxMs: 300_000 };

export class OfflineSync {
  private running?: Promise<void>;
  private again = false;
  private failures = 0;
  private retry?: unknown;
  private readonly listeners = new Set<(e: SyncEvent) => void>();

  constructor(private readonly deps: SyncDeps) {}

  /** Listens to what syncs do; returns the way to stop. */
  on(listener: (e: SyncEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Sends what waits, now. Resolves when the queue is empty or a send failed (a try is then
   * planned). A call during a run makes one more run after it, not a second at once.
   * @example window.addEventListener("online", () => void sync.now({ fresh: true }));
   */
  now(options: { fresh?: boolean } = {}): Promise<void> {
    // The network is back: the next try need not wait out the backoff of the outage.
    if (options.fresh) this.failures = 0;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.deps.exclusive(() => this.drain());
        } while (this.again);
      } catch {
        // The device's store failed (storage refused, a closed connection): what is queued
        // stays queued; try again later.
        this.planRetry();
      } finally {
        this.running = undefined;
        this.emit({ kind: "settled" });
      }
    })();
    return this.running;
  }

  /** Stops the planned retry (the page is going away, or a test ends). */
  stop(): void {
    if (this.retry !== undefined) (this.deps.clearTimer ?? clearTimeout)(this.retry as ReturnType<typeof setTimeout>);
    this.retry = undefined;
  }

  private async drain(): Promise<void> {
    this.stop();
    const { queue } = this.deps;
    for (;;) {
      if (!this.deps.online() || !this.deps.signedIn()) return;
      const item = await queue.next(this.deps.learner());
      if (!item) return;
      let outcome: SendOutcome;
      try {
        outcome = { receipt: await this.deps.send(item.practice) };
      } catch (error) {
        outcome = { error };
      }
      const decision = decide(outcome);
      if (decision.action === "keep") {
        await queue.tried(item.id);
        if (decision.until === "later") this.planRetry();
        return;
      }
      // Out of the queue only now that the server has answered for it.
      await queue.remove(item.id);
      this.failures = 0;
      if ("receipt" in outcome) this.emit({ kind: "saved", item, receipt: outcome.receipt });
      else {
        const err = outcome.error as LinguaLeapError;
        this.emit({ kind: "refused", item, code: err.code, message: err.message });
      }
    }
  }

  private planRetry(): void {
    const wait = backoffDelay(this.failures++, this.deps.backoff ?? SYNC_BACKOFF, this.deps.rng);
    this.retry = (this.deps.setTimer ?? setTimeout)(() => {
      this.retry = undefined;
      void this.now();
    }, wait);
  }

  private emit(e: SyncEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(e);
      } catch {
        // A listener's failure is the screen's; the sync goes on.
      }
    }
  }
}

/**
 * The origin's sync lock: navigator.locks where the browser has it (every tab of the origin
 * waits its turn), else none beyond the one run per tab that OfflineSync keeps.
 * @example new OfflineSync({ ..., exclusive: originLock(navigator.locks) })
 */
export function originLock(locks: LockManager | undefined, name = "lingualeap.offline-sync"): (job: () => Promise<void>) => Promise<void> {
  if (!locks?.request) return (job) => job();
  return async (job) => {
    await locks.request(name, job);
  };
}
