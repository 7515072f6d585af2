/**
 * What a learner's way into a duel and out of it costs the server: the casual loop's steps,
 * one at a time for N learners, each step's server CPU read from /proc before and after it.
 *   sign-in   POST /api/auth/guest (once per learner; the casual loop keeps its token)
 *   reserve   POST /matchmake/joinOrCreate/word_duel (the room created for every other learner)
 *   take      the WebSocket upgrade and the join handshake, until every learner has a state
 *   leave     LEAVE_ROOM, the socket closed, the room disposed (a settle after the last close)
 * Steps run for every learner (K at once) before the next starts, C cycles of reserve → take
 * → leave on the same learners; the figure is each step's CPU ÷ learners, the cycles' median.
 */
import type { SeatReservation } from "colyseus.js";
import { withTimeout } from "../support/children";
import { DUEL_OPTIONS } from "./cost-answers";
import { inPool, learnerName, RawLearner, signIn } from "./cost-learner";
import { BenchServer, type ServerCmd } from "./cost-server";
import { forgetWire } from "./cost-wire";
import { note } from "./measure";

const SETTLE_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Server CPU per learner of each step, ms. */
export interface JoinSteps {
  reserve: number;
  take: number;
  leave: number;
}

export interface JoinFigures {
  learners: number;
  cycles: number;
  signInMs: number;
  /** The median cycle's steps (by their sum), and every cycle's. */
  perLearner: JoinSteps & { total: number };
  all: Array<JoinSteps & { total: number }>;
  /** The empty server's CPU per second, subtracted from nothing (shown so it can be judged). */
  emptyCpuMsPerS: number;
}

const median = <T>(xs: T[], key: (x: T) => number): T => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)];

export async function runJoins(cmd: ServerCmd, n: number, cycles: number, concurrency: number, budgetMs: number): Promise<JoinFigures> {
  const server = await BenchServer.start(cmd, {});
  const learners: RawLearner[] = new Array(n);
  const step = async (what: string, fn: () => Promise<void>) => {
    const c0 = server.cpuMs();
    await withTimeout(fn(), budgetMs, what);
    return (server.cpuMs() - c0) / n;
  };
  try {
    await sleep(SETTLE_MS);
    const [e0, t0] = [server.cpuMs(), performance.now()];
    await sleep(2000);
    const emptyCpuMsPerS = ((server.cpuMs() - e0) * 1000) / (performance.now() - t0);
    const signInMs = await step(`${n} sign-ins`, () =>
      inPool(learners, concurrency, async (_, i) => void (learners[i] = new RawLearner(server.http, await signIn(server.http, learnerName(i)), i % 2 === 0))),
    );
    const all: JoinFigures["all"] = [];
    for (let c = 0; c < cycles; c++) {
      const seats: SeatReservation[] = new Array(n);
      const reserve = await step(`${n} reservations`, () => inPool(learners, concurrency, async (l, i) => void (seats[i] = await l.reserve("joinOrCreate", "word_duel", { ...DUEL_OPTIONS }))));
      const take = await step(`${n} seats taken`, async () => {
        await inPool(learners, concurrency, async (l, i) => void (await l.take(seats[i])));
        while (!learners.every((l) => l.state !== undefined)) await sleep(50);
        await sleep(SETTLE_MS);
      });
      const leave = await step(`${n} leaves`, async () => {
        await inPool(learners, concurrency, (l) => l.leave());
        await sleep(SETTLE_MS);
      });
      forgetWire();
      for (const l of learners) {
        l.room = undefined;
        l.state = undefined;
      }
      all.push({ reserve, take, leave, total: reserve + take + leave });
      note(`  joins: cycle ${c + 1}: reserve ${reserve.toFixed(3)} + take ${take.toFixed(3)} + leave ${leave.toFixed(3)} ms per learner`);
    }
    return { learners: n, cycles, signInMs, perLearner: median(all, (x) => x.total), all, emptyCpuMsPerS };
  } finally {
    await server.stop();
    for (const l of learners) l?.room?.connection.close();
  }
}
