/**
 * A fresh store holding N seeded learners for the results bench (results.ts), written
 * through the store's own bulk path (Store.seedLearners), and the FerretDB the bench starts
 * when --store mongo has no --mongo-url.
 */
import fs from "node:fs";
import path from "node:path";
import { MongoClient } from "mongodb";
import { MemoryStore } from "../../server/store/MemoryStore";
import { MongoStore } from "../../server/store/MongoStore";
import type { Store } from "../../server/store/store";
import { ROOT } from "../support/children";
import { startFerretDb, type FerretDbProcess } from "../support/ferretdb-process";
import { msSince, note, nowNs } from "./measure";
import { SEEDED_BOARDS, seedRow, type BenchLearner } from "./results-data";

const FERRETDB = path.join(ROOT, ".tools", "ferretdb");
/** Learners per seedLearners call on MongoDB (5 documents each). */
const SEED_BATCH = 10_000;
const PROGRESS_EVERY_MS = 15_000;

export interface Seeded {
  store: Store;
  seedMs: number;
  /** How it was seeded, for the log. */
  how: string;
  cleanup(): Promise<void>;
}

/**
 * Memory: every learner in one call, so each board is sorted once (SortedBoard.load);
 * recordMatch would insert each row with an O(n) splice, ~n²/2 moves at a million.
 */
export async function seedMemory(learners: BenchLearner[]): Promise<Seeded> {
  const t0 = nowNs();
  const store = new MemoryStore();
  const createdAt = Date.now();
  await store.seedLearners(learners.map((l) => seedRow(l, createdAt)));
  const seedMs = msSince(t0);
  const how = `MemoryStore.seedLearners ×${learners.length}: users, progress and 3 all-time boards (${SEEDED_BOARDS}), each board sorted once (SortedBoard.load)`;
  return { store, seedMs, how, cleanup: async () => undefined };
}

/**
 * MongoDB: a fresh database; MongoStore.connect makes its indexes, then seedLearners writes
 * the learners in batches (users, progress and leaderboards documents, unordered
 * insertMany). The seed time covers both steps.
 */
export async function seedMongo(url: string, learners: BenchLearner[], n: number): Promise<Seeded> {
  const dbName = `bench_results_${n}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const drop = async () => {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000 });
    try {
      await client.connect();
      await client.db(dbName).dropDatabase();
    } catch (err) {
      note(`could not drop database ${dbName}: ${(err as Error).message}`);
    } finally {
      await client.close();
    }
  };
  const t0 = nowNs();
  const store = await MongoStore.connect(url, dbName);
  try {
    const indexMs = msSince(t0);
    const createdAt = Date.now();
    let lastNote = Date.now();
    for (let i = 0; i < learners.length; i += SEED_BATCH) {
      await store.seedLearners(learners.slice(i, i + SEED_BATCH).map((l) => seedRow(l, createdAt)));
      if (Date.now() - lastNote > PROGRESS_EVERY_MS) {
        lastNote = Date.now();
        note(`  seed: ${Math.min(i + SEED_BATCH, learners.length)} learners in ${(msSince(t0) / 1000).toFixed(1)} s`);
      }
    }
    const seedMs = msSince(t0);
    const how =
      `MongoStore.connect made its indexes in ${(indexMs / 1000).toFixed(1)} s, then MongoStore.seedLearners (batches of ${SEED_BATCH} learners) ` +
      `wrote ${5 * learners.length} documents (users, progress, leaderboards on ${SEEDED_BOARDS}) in ${((seedMs - indexMs) / 1000).toFixed(1)} s`;
    return { store, seedMs, how, cleanup: drop };
  } catch (err) {
    await store.close();
    await drop();
    throw err;
  }
}

let ferret: FerretDbProcess | undefined;

/** Synchronous, so it also works from the "exit" event. */
function killFerretNow(): void {
  const f = ferret;
  ferret = undefined;
  f?.killNow();
}

/** .tools/ferretdb on a free loopback port, stopped however the bench ends. */
export async function startFerret(): Promise<FerretDbProcess> {
  if (!fs.existsSync(FERRETDB)) {
    throw new Error(
      `${path.relative(ROOT, FERRETDB)} is missing: run \`bash test/infra/ensure-ferretdb.sh\` (needs Go) to build it, ` +
        "or pass --mongo-url mongodb://127.0.0.1:<port>/ for a MongoDB server on this machine",
    );
  }
  process.once("exit", killFerretNow);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
      killFerretNow();
      process.exit(code);
    });
  }
  // startFerretDb kills ferretdb and removes its directory itself if it does not come up.
  return startFerretDb({
    binary: FERRETDB,
    dirPrefix: "lingualeap-bench-ferretdb-",
    readyTimeoutMs: 30_000,
    onSpawn: (f) => (ferret = f), // so the exit and signal hooks stop it while it starts
  });
}
