/**
 * What the boards bench (boards.ts) knows for itself, so that every answer can be checked
 * against it: the seeded learners (results-data.ts, from a seeded rng), each one's scores as
 * the bench last wrote them, the order of the global board they make (score descending,
 * equal scores by userId ascending, as boards.ts `before`), the rows a result sets, and the
 * learners' tokens.
 */
import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { boardsTouched, type BoardRow } from "../../server/boards";
import { LANG, pick, type BenchLearner, type Rng } from "./results-data";

/** The learners and what the bench has written of them: all-time XP (global = es), this week's XP, rating, boardVersion. */
export interface World {
  learners: BenchLearner[];
  xp: Float64Array;
  weekly: Float64Array;
  rating: Float64Array;
  version: Int32Array;
  /** 1 once a result of the bench wrote the learner's rows. */
  written: Uint8Array;
}

export function makeWorld(learners: BenchLearner[]): World {
  const n = learners.length;
  const world: World = { learners, xp: new Float64Array(n), weekly: new Float64Array(n), rating: new Float64Array(n), version: new Int32Array(n), written: new Uint8Array(n) };
  learners.forEach((l, i) => {
    world.xp[i] = l.xp;
    world.rating[i] = l.rating;
  });
  return world;
}

/** The global all-time board as the bench expects it: learner indexes in board order, and each one's 1-based rank. */
export interface Standings {
  order: Uint32Array;
  rankOf: Int32Array;
}

export function standings(world: World): Standings {
  const { xp, learners } = world;
  const order = Uint32Array.from({ length: learners.length }, (_, i) => i);
  order.sort((a, b) => xp[b] - xp[a] || (learners[a].id < learners[b].id ? -1 : learners[a].id > learners[b].id ? 1 : 0));
  const rankOf = new Int32Array(learners.length);
  order.forEach((learner, k) => (rankOf[learner] = k + 1));
  return { order, rankOf };
}

/** Another learner than `a`, at random. */
export const other = (rng: Rng, n: number, a: number) => (a + 1 + pick(rng, n - 1)) % n;

/**
 * The rows one two-learner result sets, as MongoStore.applyRows hands them to the sink: for
 * each learner, global and es all time, global and es this `week`, rating-es; every score
 * absolute, XP higher than before, the rating moved, the version one up.
 */
export function resultRows(world: World, players: readonly number[], week: string, rng: Rng): BoardRow[] {
  const [global, inLang, globalWeek, langWeek, rating] = boardsTouched(LANG, week);
  return players.flatMap((i) => {
    const gain = 10 * (1 + pick(rng, 100)); // 10..1000 XP
    world.xp[i] += gain;
    world.weekly[i] += gain;
    world.rating[i] = Math.max(100, world.rating[i] + pick(rng, 41) - 20);
    world.version[i] += 1;
    world.written[i] = 1;
    const { id: userId, name } = world.learners[i];
    const row = (ref: typeof global, score: number): BoardRow => ({ ...ref, userId, name, score, version: world.version[i] });
    return [row(global, world.xp[i]), row(inLang, world.xp[i]), row(globalWeek, world.weekly[i]), row(langWeek, world.weekly[i]), row(rating, world.rating[i])];
  });
}

/** Signs tokens as server/auth/tokens.ts does: HS256, issuer lingualeap, subject the user id, claims name and guest, an expiry. */
export function tokenSigner(secret: string): (l: BenchLearner) => string {
  const key = createSecretKey(Buffer.from(secret, "utf8"));
  return (l) => jwt.sign({ name: l.name, guest: true }, key, { algorithm: "HS256", expiresIn: 3600, subject: l.id, issuer: "lingualeap" });
}
