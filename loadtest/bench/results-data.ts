/**
 * What the results bench (results.ts) works on, all drawn from a seeded rng so a run can be
 * repeated: N learners with XP, a rating and duels played, the rows they are seeded with
 * (Store.seedLearners), and real two-player duel results between them.
 */
import type { MatchPlayer, MatchResult } from "../../rooms/shared/match-result";
import type { BoardRef } from "../../server/boards";
import { emptyProgress } from "../../server/progress.rules";
import type { SeedLearner } from "../../server/store/store";

export type Rng = () => number;

export const LANG = "es";
export const GLOBAL: BoardRef = { board: "global", period: "alltime" };
/** The all-time boards a seeded learner is on (the "how" line and the docs name them). */
export const SEEDED_BOARDS = `global, ${LANG}, rating-${LANG}`;
const ROUNDS = 10; // DUEL_ROUNDS default
const WORD_POOL = 300; // distinct prompts duels draw from
const MAX_XP_STEPS = 20_000; // seeded XP is 5 × 0..20000: 0..100000 with ties

/** A whole number from 0 to n − 1. */
export const pick = (rng: Rng, n: number) => Math.floor(rng() * n);

function uuid(rng: Rng): string {
  let hex = "";
  for (let i = 0; i < 4; i++) hex += Math.floor(rng() * 2 ** 32).toString(16).padStart(8, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface BenchLearner {
  id: string;
  name: string;
  xp: number;
  rating: number;
  duels: number;
}

export function makeLearners(n: number, rng: Rng): BenchLearner[] {
  const learners: BenchLearner[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const xp = 5 * pick(rng, MAX_XP_STEPS + 1);
    learners[i] = { id: uuid(rng), name: `Learner ${i + 1}`, xp, rating: 800 + pick(rng, 1201), duels: Math.floor(xp / 60) };
  }
  return learners;
}

/**
 * A learner as the store is seeded with it: a guest account, progress as if its XP came
 * from duels in LANG in earlier weeks, and its rows on the three all-time boards.
 */
export function seedRow(l: BenchLearner, createdAt: number): SeedLearner {
  return {
    user: { id: l.id, name: l.name, guest: true, timeZone: "UTC", createdAt },
    progress: { ...emptyProgress(l.id), xp: l.xp, ratings: { [LANG]: l.rating }, xpByLang: { [LANG]: l.xp }, duels: l.duels, wins: Math.floor(l.duels / 2) },
    boards: [
      { ...GLOBAL, score: l.xp },
      { board: LANG, period: "alltime", score: l.xp },
      { board: `rating-${LANG}`, period: "alltime", score: l.rating },
    ],
  };
}

type Verdict = MatchPlayer["words"][number]["verdict"];
const VERDICTS: Verdict[] = ["correct", "correct", "correct", "almost", "wrong", "none"];

/** A real two-player duel result between two existing learners, finished now. */
export function duelResult(a: BenchLearner, b: BenchLearner, rng: Rng, seq: number): MatchResult {
  const prompts = Array.from({ length: ROUNDS }, () => `palabra ${pick(rng, WORD_POOL)}`);
  const line = (l: BenchLearner) => {
    const words = prompts.map((prompt) => ({ prompt, verdict: VERDICTS[pick(rng, VERDICTS.length)] }));
    const score = words.reduce((s, w) => s + (w.verdict === "correct" ? 100 : w.verdict === "almost" ? 50 : 0), 0);
    return { l, words, score };
  };
  const [pa, pb] = [line(a), line(b)];
  const player = (p: typeof pa, other: typeof pa): MatchPlayer => ({
    userId: p.l.id, name: p.l.name, score: p.score, placement: p.score >= other.score ? 1 : 2, won: p.score > other.score,
    forfeited: false, isBot: false, words: p.words,
  });
  return {
    matchId: `bench-${seq}-${uuid(rng)}`, lang: LANG, mode: rng() < 0.5 ? "typed" : "choice", practice: false, finishedAt: Date.now(),
    players: [player(pa, pb), player(pb, pa)],
  };
}
