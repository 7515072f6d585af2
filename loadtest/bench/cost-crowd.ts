/**
 * What holding learners costs when nothing happens.
 * - memory: the server's RSS with nobody connected (after a warm-up duel and a settle), then
 *   with N raw learners seated two by two in duels that stay in their first round (rounds as
 *   long as the server allows, nobody answers): RSS growth ÷ N; and both again right after a
 *   full GC in the server, with heapUsed (garbage swings the first figure by ±5 KB a learner). Pairs are seated by `create`,
 *   then the partner's `joinById`, K pairs at once.
 * - idle: R rooms each waiting for an opponent (one learner alone, made by `create`), settled,
 *   then the server's CPU over S seconds, beside the same server's CPU with no room at all.
 */
import { phaseOf } from "../../rooms/word-duel/messages";
import { withTimeout } from "../support/children";
import { DUEL_OPTIONS } from "./cost-answers";
import { inPool, learnerName, RawLearner, signIn } from "./cost-learner";
import { BenchServer, type ServerCmd } from "./cost-server";
import { note } from "./measure";

const SETTLE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MemoryFigures {
  learners: number;
  baselineRssKB: number;
  loadedRssKB: number;
  kbPerLearner: number;
  /** After a full GC in the server (right after the RSS above): RSS and heapUsed, and their growth per learner. */
  afterGc?: {
    baselineRssKB: number; loadedRssKB: number; kbPerLearner: number; baselineHeapMB: number; loadedHeapMB: number; heapKBPerLearner: number;
    /** The V8 heap the process holds (used or not), and memory outside it (Buffers and ArrayBuffers), per learner. */
    heapTotalKBPerLearner: number; externalKBPerLearner: number;
  };
  seatSeconds: number;
  /** The bench process's own RSS with every learner connected (MB). */
  benchRssMB: number;
}

export interface IdleFigures {
  rooms: number;
  seconds: number;
  /** Server CPU per second with no room (ms/s), then with R waiting rooms. */
  emptyCpuMsPerS: number;
  cpuMsPerS: number;
  /** (with rooms − empty) ÷ R, µs of CPU per second per room. */
  usPerSPerRoom: number;
  seatSeconds: number;
}

/** Polls until `done()`, every 100 ms, at most `ms`. */
async function until(what: string, ms: number, done: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

async function learnersOn(http: string, n: number, concurrency: number, firstName: number): Promise<RawLearner[]> {
  const learners: RawLearner[] = new Array(n);
  await inPool(learners, concurrency, async (_, i) => void (learners[i] = new RawLearner(http, await signIn(http, learnerName(firstName + i)), i % 2 === 0)));
  return learners;
}

/** Seats learners two by two: the first creates the duel, the second joins it by id. */
async function seatByPairs(learners: RawLearner[], concurrency: number): Promise<void> {
  const pairs = Array.from({ length: learners.length / 2 }, (_, i) => [learners[2 * i], learners[2 * i + 1]] as const);
  await inPool(pairs, Math.max(1, Math.floor(concurrency / 2)), async ([a, b]) => {
    const room = await a.join("create", "word_duel", { ...DUEL_OPTIONS });
    await b.join("joinById", room.roomId, { ...DUEL_OPTIONS });
  });
}

const mb = (bytes: number) => bytes / 1024 / 1024;

export async function runMemory(cmd: ServerCmd, n: number, concurrency: number, budgetMs: number): Promise<MemoryFigures> {
  const server = await BenchServer.start(cmd, {}, { memoryProbe: true });
  const learners: RawLearner[] = [];
  try {
    const warm = await learnersOn(server.http, 2, 2, 0);
    for (const l of warm) l.release();
    await seatByPairs(warm, 2);
    await withTimeout(Promise.all(warm.map((l) => l.end.ended)), budgetMs, "the warm-up duel");
    await Promise.all(warm.map((l) => l.leave()));
    await sleep(SETTLE_MS);
    const baselineRssKB = server.rssKB();
    const base = await server.memoryUsage();
    const baseGcRss = server.rssKB();
    const t0 = performance.now();
    learners.push(...(await withTimeout(learnersOn(server.http, n, concurrency, 2), budgetMs, `${n} sign-ins`)));
    await withTimeout(seatByPairs(learners, concurrency), budgetMs, `seating ${n} learners`);
    await until(`${n} learners in a round`, budgetMs, () => learners.every((l) => l.state !== undefined && phaseOf(l.state.phase) === "round"));
    const seatSeconds = (performance.now() - t0) / 1000;
    note(`  memory: ${n} learners seated in ${seatSeconds.toFixed(1)} s`);
    await sleep(SETTLE_MS);
    const loadedRssKB = server.rssKB();
    const loaded = await server.memoryUsage();
    const loadedGcRss = server.rssKB();
    const afterGc = base && loaded
      ? { baselineRssKB: baseGcRss, loadedRssKB: loadedGcRss, kbPerLearner: (loadedGcRss - baseGcRss) / n, baselineHeapMB: mb(base.heapUsed), loadedHeapMB: mb(loaded.heapUsed), heapKBPerLearner: (loaded.heapUsed - base.heapUsed) / 1024 / n,
        heapTotalKBPerLearner: (loaded.heapTotal - base.heapTotal) / 1024 / n, externalKBPerLearner: (loaded.external - base.external) / 1024 / n }
      : undefined;
    return { learners: n, baselineRssKB, loadedRssKB, kbPerLearner: (loadedRssKB - baselineRssKB) / n, afterGc, seatSeconds, benchRssMB: process.memoryUsage().rss / 1024 / 1024 };
  } finally {
    await server.stop();
    for (const l of learners) l.room?.connection.close();
  }
}

export async function runIdle(cmd: ServerCmd, rooms: number, seconds: number, concurrency: number, budgetMs: number): Promise<IdleFigures> {
  const server = await BenchServer.start(cmd, {});
  const learners: RawLearner[] = [];
  const cpuPerS = async (ms: number) => {
    const [c0, t0] = [server.cpuMs(), performance.now()];
    await sleep(ms);
    return ((server.cpuMs() - c0) * 1000) / (performance.now() - t0);
  };
  try {
    await sleep(SETTLE_MS);
    const emptyCpuMsPerS = await cpuPerS(seconds * 1000);
    const t0 = performance.now();
    learners.push(...(await withTimeout(learnersOn(server.http, rooms, concurrency, 0), budgetMs, `${rooms} sign-ins`)));
    await withTimeout(inPool(learners, concurrency, async (l) => void (await l.join("create", "word_duel", { ...DUEL_OPTIONS }))), budgetMs, `creating ${rooms} rooms`);
    await until(`${rooms} rooms waiting`, budgetMs, () => learners.every((l) => l.state !== undefined && phaseOf(l.state.phase) === "waiting"));
    const seatSeconds = (performance.now() - t0) / 1000;
    note(`  idle: ${rooms} rooms waiting after ${seatSeconds.toFixed(1)} s`);
    await sleep(SETTLE_MS);
    const cpuMsPerS = await cpuPerS(seconds * 1000);
    return { rooms, seconds, emptyCpuMsPerS, cpuMsPerS, usPerSPerRoom: ((cpuMsPerS - emptyCpuMsPerS) * 1000) / rooms, seatSeconds };
  } finally {
    await server.stop();
    for (const l of learners) l.room?.connection.close();
  }
}
