/**
 * What one answer costs the game server in steady play. D duels at once, two raw learners
 * each (one answers right, one wrong, as soon as each round opens), played twice on fresh
 * servers that differ only in DUEL_ROUNDS (2, then 30). Everything but the rounds — sign-ins,
 * joins, starts, results — is the same in both runs, so
 *   CPU per answer = (CPU₃₀ − CPU₂) ÷ (answers₃₀ − answers₂),
 * with each run's CPU read from the server's /proc between the first join and the last result.
 * Pairs are seated one pair at a time (joinOrCreate, then the partner's joinOrCreate finds that
 * room), and nobody answers until every duel is seated, so all D duels play at once.
 */
import { withTimeout } from "../support/children";
import { inPool, learnerName, RawLearner, signIn } from "./cost-learner";
import { BenchServer, type ServerCmd } from "./cost-server";
import { forgetWire } from "./cost-wire";
import { note } from "./measure";

/** The duel every bench learner plays. */
export const DUEL_OPTIONS = { lang: "es", mode: "choice" } as const;

/** One run of D duels of `rounds` rounds. */
export interface PlayRun {
  rounds: number;
  duels: number;
  answers: number;
  /** Server CPU from the first join to the last result, ms. */
  cpuMs: number;
  /** Of which: from the release (every duel seated) to the last result. */
  playCpuMs: number;
  seatSeconds: number;
  playSeconds: number;
  /** Data frames (no pings) the learners received until their results, and their bytes. */
  frames: number;
  bytes: number;
  problems: string[];
}

/** One pair of runs (2 rounds, 30 rounds) and what their difference gives. */
export interface AnswerPair {
  runs: [PlayRun, PlayRun];
  /** (CPU30 − CPU2) ÷ (answers30 − answers2), ms. */
  cpuPerAnswerMs: number;
  /** The same from the release on (seating left out of both runs). */
  playCpuPerAnswerMs: number;
  /** Frames the server sent per answer (counted where the learners received them). */
  framesPerAnswer: number;
  bytesPerAnswer: number;
}

/** The median pair's figures (by CPU per answer), and every pair's. */
export interface AnswerFigures extends AnswerPair {
  repeats: AnswerPair[];
}

/** Signs in 2 × `duels` learners and seats them pair by pair (the first of a pair answers right). */
export async function seatPairs(http: string, duels: number, concurrency: number, firstName = 0): Promise<RawLearner[]> {
  const learners: RawLearner[] = new Array(duels * 2);
  await inPool(learners, concurrency, async (_, i) => void (learners[i] = new RawLearner(http, await signIn(http, learnerName(firstName + i)), i % 2 === 0)));
  return learners;
}

/** Joins every pair, one pair after the other, checking that partners share a room. */
export async function joinPairs(learners: RawLearner[]): Promise<void> {
  for (let i = 0; i < learners.length; i += 2) {
    const a = await learners[i].join("joinOrCreate", "word_duel", { ...DUEL_OPTIONS });
    const b = await learners[i + 1].join("joinOrCreate", "word_duel", { ...DUEL_OPTIONS });
    if (a.roomId !== b.roomId) throw new Error(`pair ${i / 2} was not seated together (${a.roomId} / ${b.roomId}): is another client using this server?`);
  }
}

async function playRun(cmd: ServerCmd, rounds: number, duels: number, concurrency: number, budgetMs: number): Promise<PlayRun> {
  const server = await BenchServer.start(cmd, { DUEL_ROUNDS: String(rounds) });
  try {
    forgetWire();
    const learners = await seatPairs(server.http, duels, concurrency);
    const t0 = performance.now();
    const cpu0 = server.cpuMs();
    await withTimeout(joinPairs(learners), budgetMs, `seating ${duels} duels`);
    const tRelease = performance.now();
    const cpuRelease = server.cpuMs();
    for (const l of learners) l.release();
    await withTimeout(Promise.all(learners.map((l) => l.end.ended)), budgetMs, `${duels} duels of ${rounds} rounds`);
    const cpu1 = server.cpuMs();
    const tEnd = performance.now();
    const wires = learners.map((l) => l.wire!);
    const frames = wires.reduce((n, w) => n + w.data.frames, 0);
    const bytes = wires.reduce((n, w) => n + w.data.bytes, 0);
    const run: PlayRun = {
      rounds, duels, answers: learners.reduce((n, l) => n + l.answers, 0), cpuMs: cpu1 - cpu0, playCpuMs: cpu1 - cpuRelease,
      seatSeconds: (tRelease - t0) / 1000, playSeconds: (tEnd - tRelease) / 1000, frames, bytes, problems: learners.flatMap((l) => l.problems).slice(0, 5),
    };
    note(`  answers: ${rounds} rounds: ${run.answers} answers, server CPU ${run.cpuMs.toFixed(0)} ms (play ${run.playCpuMs.toFixed(0)} ms), seated in ${run.seatSeconds.toFixed(1)} s, played in ${run.playSeconds.toFixed(1)} s`);
    await Promise.all(learners.map((l) => l.leave()));
    return run;
  } finally {
    await server.stop();
  }
}

/** Runs both duel lengths and takes the difference. */
async function runPair(cmd: ServerCmd, duels: number, concurrency: number, budgetMs: number): Promise<AnswerPair> {
  const short = await playRun(cmd, 2, duels, concurrency, budgetMs);
  const long = await playRun(cmd, 30, duels, concurrency, budgetMs);
  const answers = long.answers - short.answers;
  return {
    runs: [short, long],
    cpuPerAnswerMs: (long.cpuMs - short.cpuMs) / answers,
    playCpuPerAnswerMs: (long.playCpuMs - short.playCpuMs) / answers,
    framesPerAnswer: (long.frames - short.frames) / answers,
    bytesPerAnswer: (long.bytes - short.bytes) / answers,
  };
}

/** `repeats` pairs of runs, one after the other; the figures of the median pair. */
export async function runAnswers(cmd: ServerCmd, duels: number, repeats: number, concurrency: number, budgetMs: number): Promise<AnswerFigures> {
  const pairs: AnswerPair[] = [];
  for (let i = 0; i < repeats; i++) pairs.push(await runPair(cmd, duels, concurrency, budgetMs));
  const sorted = [...pairs].sort((a, b) => a.cpuPerAnswerMs - b.cpuPerAnswerMs);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], repeats: pairs };
}
