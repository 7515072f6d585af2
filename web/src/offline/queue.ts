/**
 * The queue of offline practices waiting to be sent (IndexedDB, store "queue"). The guarantee:
 * a finished practice is written to the device — the transaction committed, durably — before
 * the learner is told it is saved, and it leaves the queue only when the server has answered
 * for it (sync.ts). The queue never changes a practice: what is sent is what was played.
 */
import type { OfflineDb, QueuedPractice } from "./offline-db";

export type { QueuedPractice };

/** Whether a queued practice is `learner`'s to send (one played before anyone was known is anyone's). */
export function belongsTo(item: Pick<QueuedPractice, "learner">, learner: string | undefined): boolean {
  return item.learner === undefined || item.learner === learner;
}

export class PracticeQueue {
  constructor(private readonly db: () => Promise<OfflineDb>) {}

  /**
   * Puts a finished practice in the queue; resolves once it is on the device for good.
   * Adding one already there (the same id) changes nothing.
   * @example await queue.add({ practice, learner, lessonTitle: "Food", localXp: 40 }, Date.now());
   */
  async add(entry: Omit<QueuedPractice, "id" | "queuedAt" | "tries">, now: number): Promise<QueuedPractice> {
    const db = await this.db();
    // "strict": committed to disk, not only to the OS's cache, before we say "saved".
    const tx = db.transaction("queue", "readwrite", { durability: "strict" });
    const kept = await tx.store.get(entry.practice.id);
    const item: QueuedPractice = kept ?? { ...entry, id: entry.practice.id, queuedAt: now, tries: 0 };
    if (!kept) await tx.store.put(item);
    await tx.done;
    return item;
  }

  /** Every queued practice, oldest first. */
  async all(): Promise<QueuedPractice[]> {
    return (await this.db()).getAllFromIndex("queue", "byQueuedAt");
  }

  /** The oldest practice `learner` may send, if any. */
  async next(learner: string | undefined): Promise<QueuedPractice | undefined> {
    return (await this.all()).find((item) => belongsTo(item, learner));
  }

  async get(id: string): Promise<QueuedPractice | undefined> {
    return (await this.db()).get("queue", id);
  }

  /** Takes a practice out of the queue (the server answered for it). */
  async remove(id: string): Promise<void> {
    const db = await this.db();
    const tx = db.transaction("queue", "readwrite", { durability: "strict" });
    await tx.store.delete(id);
    await tx.done;
  }

  /** Counts a failed send of a practice still in the queue. */
  async tried(id: string): Promise<void> {
    const db = await this.db();
    const tx = db.transaction("queue", "readwrite");
    const item = await tx.store.get(id);
    if (item) await tx.store.put({ ...item, tries: item.tries + 1 });
    await tx.done;
  }

  /** How many practices wait, for `learner` when given. */
  async count(learner?: string): Promise<number> {
    const items = await this.all();
    return learner === undefined ? items.length : items.filter((item) => belongsTo(item, learner)).length;
  }
}

/**
 * A v4 UUID for a new practice: crypto.randomUUID where the browser has it (only in a secure
 * context: https or localhost), else one made from crypto.getRandomValues (a LAN address on
 * plain http), else from `rng` (never expected in a browser that runs the game).
 * @example newPracticeId() // "3b241101-e2bb-4255-8caf-4136c566a962"
 */
export function newPracticeId(source: Pick<Crypto, "getRandomValues"> & { randomUUID?: () => string } | undefined = globalThis.crypto, rng: () => number = Math.random): string {
  if (typeof source?.randomUUID === "function") return source.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof source?.getRandomValues === "function") source.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(rng() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

