/**
 * The leagues' contract: placement by recordMatch, the board sink, and the end-of-week job
 * (fake clock) on every Store (leagues.memory.test.ts, store.mongo.test.ts).
 */
import { strict as assert } from "node:assert";
import type { BoardRow } from "../../server/boards";
import { createLogger } from "../../server/logger";
import { loadConfig } from "../../server/config";
import { LeagueJob } from "../../server/leagues.job";
import { DEFAULT_LEAGUES, leagueWeek, type LeagueSettings } from "../../server/leagues.rules";
import type { Store, UserRecord } from "../../server/store/store";
import { duel, player, user } from "./store.contract";

/** Small cohorts, so a handful of learners fill several. */
export const SMALL_LEAGUES: LeagueSettings = { ...DEFAULT_LEAGUES, cohortSize: 3, up: 1, down: 1 };

const WEEK1 = leagueWeek(Date.parse("2026-11-18T12:00:00Z"), SMALL_LEAGUES);
const WEEK2 = leagueWeek(WEEK1.end, SMALL_LEAGUES);
const log = createLogger(loadConfig({ LOG_LEVEL: "silent", NODE_ENV: "test" }));

/** A practice of `correct` right answers (5 XP each) finished at `at`. */
function practice(u: UserRecord, correct: number, at: number) {
  return duel([player(u, 0, false, Array(correct).fill("correct"))], { practice: true, finishedAt: at });
}

function job(store: Store, now: () => number, extra: Partial<ConstructorParameters<typeof LeagueJob>[2]> = {}): LeagueJob {
  return new LeagueJob(store.leagues, log, { settings: SMALL_LEAGUES, settleDelayMs: 600_000, leaseMs: 60_000, now, ...extra });
}

/**
 * `make` gives a fresh store; `reopen`, when the store outlives a process (MongoDB), a second
 * connection to the same data, as another process has.
 */
export function leagueContract(name: string, make: (settings: LeagueSettings) => Promise<Store>, reopen?: (store: Store) => Promise<Store>): void {
  describe(`leagues contract: ${name}`, function () {
    this.timeout(30000);
    let store: Store;
    let learners: UserRecord[];
    beforeEach(async () => {
      store = await make(SMALL_LEAGUES);
      learners = [];
      for (const n of ["L1", "L2", "L3", "L4", "L5"]) learners.push(await store.createUser(user(n)));
    });
    afterEach(async () => {
      await store.close();
    });

    /** Each learner i earns 5 × correct[i] XP in week 1, one after the other (arrival order = index). */
    async function earn(correct: number[], at = WEEK1.start + 3_600_000) {
      for (const [i, c] of correct.entries()) if (c > 0) assert.equal(await store.recordMatch(practice(learners[i], c, at)), true);
    }

    it("places a learner by their first XP of the week, in cohorts filled by arrival, with the week's XP (a replay changes nothing)", async () => {
      await earn([1, 2, 3, 4]);
      const again = practice(learners[0], 2, WEEK1.start + 7_200_000);
      await store.recordMatch(again);
      assert.equal(await store.recordMatch(again), false);
      const members = await Promise.all(learners.map((l) => store.leagues.leagueMember(WEEK1.id, l.id)));
      assert.deepEqual(members.slice(0, 4).map((m) => [m?.tier, m?.cohort, m?.arrival, m?.xp]), [[0, 0, 0, 15], [0, 0, 1, 10], [0, 0, 2, 15], [0, 1, 3, 20]]);
      assert.equal(members[4], null, "no XP this week: not placed");
      assert.equal((await store.progress(learners[0].id)).leagueXp[WEEK1.id], 15);
      assert.deepEqual(await store.leagues.leagueCohorts(WEEK1.id), [{ tier: 0, cohort: 0 }, { tier: 0, cohort: 1 }]);
      assert.deepEqual((await store.leagues.leagueCohort(WEEK1.id, 0, 0)).map((m) => m.name).sort(), ["L1", "L2", "L3"]);
      assert.deepEqual(await store.leagues.leagueOf(learners[0].id), { tier: 0 });
    });

    it("places nobody for a result that earned no XP (a forfeit)", async () => {
      const [a, b] = learners;
      await store.recordMatch(duel([player(a, 0, false, ["correct"], { forfeited: true }), player(b, 900, true, ["correct"])], { finishedAt: WEEK1.start + 1000 }));
      assert.equal(await store.leagues.leagueMember(WEEK1.id, a.id), null);
      assert.equal((await store.leagues.leagueMember(WEEK1.id, b.id))?.xp, 35);
    });

    it("hands each result's board rows to the sink in its step, with the learner's growing version", async () => {
      const seen: BoardRow[][] = [];
      store.setBoardSink({ write: async (rows) => void seen.push([...rows]) });
      await earn([1]);
      await earn([2]);
      assert.equal(seen.length, 2);
      const global = seen.map((rows) => rows.find((r) => r.board === "global" && r.period === "alltime")!);
      assert.deepEqual(global.map((r) => [r.userId, r.score, r.version]), [[learners[0].id, 5, 1], [learners[0].id, 15, 2]]);
      store.setBoardSink({ write: async () => Promise.reject(new Error("Redis away")) });
      const failing = practice(learners[1], 1, WEEK1.start + 1000);
      await assert.rejects(store.recordMatch(failing), /Redis away/);
      store.setBoardSink({ write: async (rows) => void seen.push([...rows]) });
      if (store.durable) assert.equal(await store.recordMatch(failing), true, "a step whose sink failed is done again, whole");
    });

    it("settles a week once its end and the delay have passed: the top moves up, the bottom down, and the learner is told", async () => {
      await earn([4, 3, 2, 1]); // cohort 0: L1 20, L2 15, L3 10; cohort 1: L4 alone
      let now = WEEK1.end + 60_000;
      const runner = job(store, () => now);
      assert.equal((await runner.runDue())?.week, leagueWeek(WEEK1.start - 1, SMALL_LEAGUES).id, "before the delay, the week before is the one due");
      now = WEEK1.end + 600_001;
      let waiting = 1;
      const patient = job(store, () => now, { pendingBefore: async (at) => (at === WEEK1.end ? waiting : 0) });
      assert.equal(await patient.runDue(), null, "a result of the week still on its way: not yet");
      assert.equal((await store.leagues.leagueOf(learners[0].id)).last, undefined);
      waiting = 0;
      assert.deepEqual(await patient.runDue(), { week: WEEK1.id, cohorts: 2, learners: 4 });
      assert.equal(await runner.runDue(), null, "done: nothing more");
      const records = await Promise.all(learners.map((l) => store.leagues.leagueOf(l.id)));
      assert.deepEqual(records.map((r) => [r.tier, r.last?.move, r.last?.rank]), [[1, "up", 1], [0, "stay", 2], [0, "stay", 3], [0, "stay", 1], [0, undefined, undefined]]);
      assert.deepEqual((await store.progress(learners[0].id)).league.last, { week: WEEK1.id, move: "up", from: 0, tier: 1, rank: 1 });
    });

    it("resumes a job that died half-way where it stopped, and two runners racing give one result", async () => {
      await earn([4, 3, 2, 1]);
      const now = WEEK1.end + 700_000;
      const dying = job(store, () => now, {
        afterCohort: () => {
          throw new Error("crash after a cohort");
        },
      });
      await assert.rejects(dying.settle(WEEK1), /crash after a cohort/);
      assert.equal((await store.leagues.leagueOf(learners[0].id)).tier, 1, "the first cohort was settled");
      assert.equal(await job(store, () => now).settle(WEEK1), null, "the dead runner's lease still holds");
      const later = now + 60_001;
      const other = (await reopen?.(store)) ?? store; // another process's connection
      const [a, b] = await Promise.all([job(store, () => later).settle(WEEK1), job(other, () => later).settle(WEEK1)]);
      if (other !== store) await other.close();
      const results = [a, b].filter((r) => r !== null);
      assert.equal(results.length, 1, "one runner took the job over");
      assert.deepEqual(results[0], { week: WEEK1.id, cohorts: 1, learners: 1 });
      const records = await Promise.all(learners.slice(0, 4).map((l) => store.leagues.leagueOf(l.id)));
      assert.deepEqual(records.map((r) => r.last?.week), [WEEK1.id, WEEK1.id, WEEK1.id, WEEK1.id]);
      assert.equal(await job(store, () => later + 120_000).settle(WEEK1), null, "done for good");
    });

    it("demotes from above Bronze, and moves a learner placed in the new week before the old one was settled into their new tier", async () => {
      const week0 = leagueWeek(WEEK1.start - 1, SMALL_LEAGUES);
      for (const l of learners.slice(0, 3)) await store.leagues.settleLeague(l.id, { week: week0.id, move: "up", from: 0, tier: 1, rank: 1 }, WEEK1.id);
      await earn([4, 3, 2, 1]); // Silver: L1 20, L2 15, L3 10; Bronze: L4
      assert.deepEqual((await store.leagues.leagueMember(WEEK1.id, learners[2].id))?.tier, 1);
      await earn([1], WEEK2.start + 1000); // L1 plays in week 2 before week 1 is settled: placed in Silver
      assert.equal((await store.leagues.leagueMember(WEEK2.id, learners[0].id))?.tier, 1);
      await job(store, () => WEEK1.end + 700_000).settle(WEEK1);
      const records = await Promise.all(learners.slice(0, 4).map((l) => store.leagues.leagueOf(l.id)));
      assert.deepEqual(records.map((r) => [r.tier, r.last?.move]), [[2, "up"], [1, "stay"], [0, "down"], [0, "stay"]]);
      assert.equal((await store.leagues.leagueMember(WEEK2.id, learners[0].id))?.tier, 2, "their week-2 place moved to Gold with them");
      await store.leagues.settleLeague(learners[1].id, { week: WEEK1.id, move: "up", from: 1, tier: 2, rank: 1 }, WEEK2.id);
      assert.equal((await store.leagues.leagueOf(learners[1].id)).tier, 1, "the first settlement of a week wins");
    });
  });
}
