/**
 * Seeding for the boards bench: N learners into a fresh MongoDB database through the store's
 * own bulk path, MongoStore.seedLearners, in batches, with a progress line every few seconds
 * (learners done, documents per second, ETA) and a time budget.
 */
import type { MongoStore } from "../../server/store/MongoStore";
import type { BoardsOptions } from "./boards-options";
import { PROGRESS_EVERY_MS } from "./boards-phase";
import { msSince, note, nowNs } from "./measure";
import { GLOBAL, seedRow, type BenchLearner } from "./results-data";

/** Learners per seedLearners call. */
export const SEED_BATCH = 10_000;

export interface SeedFigures {
  ms: number;
  learners: number;
  /** Documents written: users, progress and one leaderboards row per board per learner. */
  docs: number;
  /** What was seeded, in words. */
  how: string;
}

/** Seeds every learner (users, progress, and its all-time rows on `opts.boards`); throws once `budgetMs` is spent. */
export async function seedLearners(store: MongoStore, learners: readonly BenchLearner[], boards: BoardsOptions["boards"], budgetMs: number): Promise<SeedFigures> {
  const perLearner = boards === "global" ? 3 : 5;
  const createdAt = Date.now();
  const t0 = nowNs();
  let lastNote = Date.now();
  for (let i = 0; i < learners.length; i += SEED_BATCH) {
    const rows = learners.slice(i, i + SEED_BATCH).map((l) => {
      const seed = seedRow(l, createdAt);
      return boards === "global" ? { ...seed, boards: seed.boards.filter((b) => b.board === GLOBAL.board && b.period === GLOBAL.period) } : seed;
    });
    await store.seedLearners(rows);
    const done = Math.min(i + SEED_BATCH, learners.length);
    const s = msSince(t0) / 1000;
    if (Date.now() - lastNote >= PROGRESS_EVERY_MS || done === learners.length) {
      lastNote = Date.now();
      const rate = done / s;
      note(`  seed: ${done.toLocaleString("en")}/${learners.length.toLocaleString("en")} learners in ${s.toFixed(0)} s (${rate.toFixed(0)} learners/s, ${(rate * perLearner).toFixed(0)} docs/s, ETA ${((learners.length - done) / rate).toFixed(0)} s)`);
    }
    if (done < learners.length && s * 1000 > budgetMs) {
      throw new Error(`seeding reached --budget-s after ${done} of ${learners.length} learners (${(done / s).toFixed(0)} learners/s): raise --budget-s or lower --learners`);
    }
  }
  const ms = msSince(t0);
  const onBoards = boards === "global" ? "its global all-time row" : "its global, es and rating-es all-time rows";
  const how = `MongoStore.seedLearners in batches of ${SEED_BATCH}: per learner a guest user, its progress and ${onBoards} (${perLearner} documents)`;
  return { ms, learners: learners.length, docs: perLearner * learners.length, how };
}
