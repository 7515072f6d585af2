/**
 * The store contract: one suite, run against every Store implementation
 * (store.memory.test.ts and store.mongo.test.ts).
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import type { MatchPlayer, MatchResult } from "../../rooms/shared/match-result";
import { eloUpdate } from "../../rooms/word-duel/worth.rules";
import type { Store, UserRecord } from "../../server/store/store";
import { emptyProgress, isoWeek, levelForXp } from "../../server/progress.rules";

export function user(name: string, extra: Partial<UserRecord> = {}): UserRecord {
  return { id: randomUUID(), name, guest: true, timeZone: "UTC", createdAt: Date.now(), ...extra };
}

type Verdict = MatchPlayer["words"][number]["verdict"];

export function player(u: UserRecord, score: number, won: boolean, verdicts: Verdict[], extra: Partial<MatchPlayer> = {}): MatchPlayer {
  return {
    userId: u.id, name: u.name, score, placement: won ? 1 : 2, won, forfeited: false, isBot: false,
    words: verdicts.map((verdict, i) => ({ prompt: `word ${i}`, verdict })), ...extra,
  };
}

export function duel(players: MatchPlayer[], extra: Partial<MatchResult> = {}): MatchResult {
  return { matchId: randomUUID(), lang: "es", mode: "typed", practice: false, finishedAt: Date.parse("2026-11-18T12:00:00Z"), players, ...extra };
}

export function storeContract(name: string, make: () => Promise<Store>): void {
  describe(`store contract: ${name}`, function () {
    let store: Store;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    it("creates users, finds them, refuses a taken username in any case", async () => {
      const ana = await store.createUser(user("ana_c", { username: "ana_c", guest: false, passwordHash: "h" }));
      assert.equal((await store.userById(ana.id))?.name, "ana_c");
      assert.equal((await store.userByUsername("ANA_C"))?.id, ana.id);
      assert.equal(await store.userById("nobody"), null);
      await assert.rejects(store.createUser(user("x", { username: "Ana_C" })), (e: any) => e.code === "AUTH_USERNAME_TAKEN");
    });

    it("turns a guest into an account that keeps its id and progress", async () => {
      const guest = await store.createUser(user("Gus"));
      const rival = await store.createUser(user("Rae"));
      await store.recordMatch(duel([player(guest, 900, true, ["correct"]), player(rival, 0, false, ["wrong"])]));
      const account = await store.upgradeGuest(guest.id, { username: "gus_1", passwordHash: "hash" });
      assert.deepEqual([account.id, account.guest, account.name], [guest.id, false, "gus_1"]);
      assert.equal((await store.userByUsername("gus_1"))?.id, guest.id);
      assert.equal((await store.progress(guest.id)).xp, 10 + 25);
      const row = (await store.top({ board: "global", period: "alltime" }, 1))[0];
      assert.deepEqual([row.userId, row.name], [guest.id, "gus_1"], "boards show the new name");
      await assert.rejects(store.upgradeGuest(guest.id, { username: "gus_2", passwordHash: "h" }), (e: any) => e.code === "BAD_REQUEST");
    });

    it("records a duel: XP, level, streak, rating, word stats", async () => {
      const [a, b] = [await store.createUser(user("A")), await store.createUser(user("B"))];
      const applied = await store.recordMatch(duel([player(a, 2000, true, ["correct", "almost", "wrong"]), player(b, 500, false, ["wrong", "none", "correct"])]));
      assert.equal(applied, true);
      const pa = await store.progress(a.id);
      assert.deepEqual([pa.xp, pa.level, pa.streak, pa.duels, pa.wins], [10 + 5 + 25, 1, 1, 1, 1]);
      assert.equal(pa.ratings.es, 1216);
      assert.equal((await store.progress(b.id)).ratings.es, 1184);
      assert.deepEqual(pa.words.es["word 2"], { seen: 1, missed: 1 });
      assert.deepEqual(pa.words.es["word 0"], { seen: 1, missed: 0 });
    });

    it("schedules every answered word for review (FSRS) exactly once with its result, and counts the words due", async () => {
      const [a, b] = [await store.createUser(user("A")), await store.createUser(user("B"))];
      const words = [
        { prompt: "fast", verdict: "correct" as const, ms: 1200 },
        { prompt: "slow", verdict: "correct" as const, ms: 9000 },
        { prompt: "slip", verdict: "almost" as const, reason: "typo" as const, ms: 4000 },
        { prompt: "miss", verdict: "wrong" as const, ms: 5000 },
        { prompt: "none", verdict: "none" as const },
      ];
      const first = duel([player(a, 2000, true, [], { words }), player(b, 0, false, ["wrong"])]);
      await store.recordMatch(first);
      const cards = (await store.progress(a.id)).reviews.es;
      assert.deepEqual(Object.keys(cards).sort(), ["fast", "miss", "none", "slip", "slow"]);
      for (const c of Object.values(cards)) assert.deepEqual([c.reps, c.last], [1, first.finishedAt]);
      // Easy comes back last, again soonest: the order FSRS gives the grades.
      assert.ok(cards.fast.due > cards.slow.due && cards.slow.due > cards.slip.due && cards.slip.due > cards.miss.due, JSON.stringify(cards));
      assert.equal(cards.miss.due, cards.none.due);
      assert.ok(cards.miss.due < first.finishedAt + 3_600_000, "a miss comes back within the hour");
      // Replayed: nothing moves.
      assert.equal(await store.recordMatch(structuredClone(first)), false);
      assert.deepEqual((await store.progress(a.id)).reviews.es, cards);
      // The next result reviews from the cards the first left.
      const later = first.finishedAt + 86_400_000;
      await store.recordMatch(duel([player(a, 900, true, [], { words: [{ prompt: "miss", verdict: "correct", ms: 2000 }] }), player(b, 0, false, ["wrong"])], { finishedAt: later }));
      const next = (await store.progress(a.id)).reviews.es;
      assert.deepEqual([next.miss.reps, next.miss.last, next.fast], [2, later, cards.fast]);
      assert.ok(next.miss.due > later);
    });

    it("records a result older than a word's last review, leaving the newer card as it is", async () => {
      const [a, b] = [await store.createUser(user("A")), await store.createUser(user("B"))];
      const at = Date.parse("2026-11-20T12:00:00Z");
      const newer = duel([player(a, 900, true, [], { words: [{ prompt: "apple", verdict: "correct", ms: 1000 }] }), player(b, 0, false, ["wrong"])], { finishedAt: at });
      const older = duel([player(a, 0, false, [], { words: [{ prompt: "apple", verdict: "wrong", ms: 4000 }] }), player(b, 900, true, ["correct"])], { finishedAt: at - 2 * 86_400_000 });
      assert.equal(await store.recordMatch(newer), true);
      const card = (await store.progress(a.id)).reviews.es.apple;
      assert.equal(await store.recordMatch(older), true, "the late result is recorded (XP, counts), not refused");
      const after = await store.progress(a.id);
      assert.deepEqual(after.reviews.es.apple, card, "the schedule is not moved back");
      assert.deepEqual([after.words.es.apple.seen, after.words.es.apple.missed, after.duels], [2, 1, 2]);
    });

    it("sums every learner's counts of a word for the difficulty report", async () => {
      const [a, b] = [await store.createUser(user("A")), await store.createUser(user("B"))];
      await store.recordMatch(duel([
        player(a, 900, true, [], { words: [{ prompt: "word 0", verdict: "almost", reason: "article", ms: 3000 }, { prompt: "word 1", verdict: "correct", ms: 1000 }] }),
        player(b, 0, false, [], { words: [{ prompt: "word 0", verdict: "almost", reason: "typo", ms: 5000 }, { prompt: "word 1", verdict: "none" }] }),
      ]));
      const totals = await store.wordTotals("es");
      assert.deepEqual(totals["word 0"], { seen: 2, missed: 2, almost: 2, article: 1, typo: 1, answered: 2, ms: 8000 });
      assert.deepEqual(totals["word 1"], { seen: 2, missed: 1, answered: 1, ms: 1000 });
      assert.deepEqual(await store.wordTotals("fr"), {});
    });

    it("moves ratings the learners already have by the next rated duel (from 1216/1184)", async () => {
      const [a, b] = [await store.createUser(user("A")), await store.createUser(user("B"))];
      await store.recordMatch(duel([player(a, 2000, true, ["correct"]), player(b, 500, false, ["wrong"])]));
      await store.recordMatch(duel([player(a, 100, false, ["wrong"]), player(b, 900, true, ["correct"])]));
      assert.equal((await store.progress(a.id)).ratings.es, 1216 + eloUpdate(1216, 1184, 0) - 1216);
      assert.equal((await store.progress(b.id)).ratings.es, 1184 + eloUpdate(1184, 1216, 1) - 1184);
    });

    it("applies a replayed result exactly once", async () => {
      const [a, b] = [await store.createUser(user("A")), await store.createUser(user("B"))];
      const result = duel([player(a, 1000, true, ["correct"]), player(b, 0, false, ["wrong"])]);
      assert.equal(await store.recordMatch(result), true);
      const once = await store.progress(a.id);
      assert.equal(await store.recordMatch(result), false);
      assert.equal(await store.recordMatch(structuredClone(result)), false);
      assert.deepEqual(await store.progress(a.id), once);
      assert.deepEqual((await store.top({ board: "global", period: "alltime" }, 10)).map((r) => r.score), [35, 0]);
    });

    it("counts the daily streak in the learner's time zone", async () => {
      const tokyo = await store.createUser(user("Kei", { timeZone: "Asia/Tokyo" }));
      const utc = await store.createUser(user("Uma"));
      const at = (iso: string) => Date.parse(iso);
      // 23:30 UTC on the 18th is already the 19th in Tokyo; 12:00 UTC on the 19th is the 19th there too.
      for (const finishedAt of [at("2026-11-18T10:00:00Z"), at("2026-11-18T23:30:00Z"), at("2026-11-19T12:00:00Z")]) {
        await store.recordMatch(duel([player(tokyo, 1, true, ["correct"]), player(utc, 0, false, ["wrong"])], { finishedAt }));
      }
      assert.equal((await store.progress(tokyo.id)).streak, 2, "Tokyo: the 18th, then the 19th (twice)");
      assert.equal((await store.progress(utc.id)).streak, 2, "UTC: the 18th (twice), then the 19th");
      await store.recordMatch(duel([player(tokyo, 1, true, ["correct"]), player(utc, 0, false, ["wrong"])], { finishedAt: at("2026-11-22T12:00:00Z") }));
      assert.equal((await store.progress(tokyo.id)).streak, 1, "a gap restarts the streak");
    });

    it("keeps weekly boards per ISO week, past weeks readable, and ranks with neighbours", async () => {
      const users = await Promise.all(["P1", "P2", "P3", "P4"].map((n) => store.createUser(user(n))));
      const week1 = Date.parse("2026-11-18T12:00:00Z");
      const week2 = Date.parse("2026-11-25T12:00:00Z");
      await store.recordMatch(duel([player(users[0], 1, true, ["correct", "correct"]), player(users[1], 0, false, [])], { finishedAt: week1 }));
      await store.recordMatch(duel([player(users[2], 1, true, ["correct"]), player(users[3], 0, false, ["correct"])], { finishedAt: week2 }));
      const w1 = await store.top({ board: "global", period: isoWeek(week1) }, 10);
      assert.deepEqual(w1.map((r) => [r.rank, r.name, r.score]), [[1, "P1", 45], [2, "P2", 0]]);
      const w2 = await store.top({ board: "es", period: isoWeek(week2) }, 10);
      assert.deepEqual(w2.map((r) => r.name), ["P3", "P4"]);
      const all = await store.top({ board: "global", period: "alltime" }, 2);
      assert.deepEqual(all.map((r) => [r.rank, r.name]), [[1, "P1"], [2, "P3"]]);
      const around = await store.around({ board: "global", period: "alltime" }, users[3].id, 1);
      assert.deepEqual(around!.map((r) => [r.rank, r.name]), [[2, "P3"], [3, "P4"], [4, "P2"]]);
      assert.equal(await store.around({ board: "global", period: "alltime" }, "nobody", 1), null);
      const rating = await store.top({ board: "rating-es", period: "alltime" }, 10);
      assert.equal(rating.length, 4);
    });

    it("leaves ratings alone in practice and against bots, and keeps no progress for bots", async () => {
      const solo = await store.createUser(user("Solo"));
      await store.recordMatch(duel([player(solo, 900, true, ["correct", "almost"])], { practice: true }));
      const p = await store.progress(solo.id);
      assert.deepEqual([p.xp, p.duels, p.ratings.es], [5 + 2, 0, undefined]);
      const bot: MatchPlayer = { ...player(user("Bot"), 0, false, ["wrong"]), userId: "bot:1", isBot: true };
      await store.recordMatch(duel([player(solo, 900, true, ["correct"]), bot]));
      assert.equal((await store.progress(solo.id)).ratings.es, undefined);
      assert.equal((await store.progress("bot:1")).xp, 0);
    });

    it("gives no XP and no streak to a player who forfeited", async () => {
      const [a, b] = [await store.createUser(user("A")), await store.createUser(user("B"))];
      await store.recordMatch(duel([player(a, 0, true, ["none"]), player(b, 800, false, ["correct"], { forfeited: true })]));
      const pb = await store.progress(b.id);
      assert.deepEqual([pb.xp, pb.streak], [0, 0]);
    });

    it("counts an account that sat in two seats once", async () => {
      const twin = await store.createUser(user("Twin"));
      const match = duel([player(twin, 900, true, ["correct"]), player(twin, 0, false, ["wrong"])]);
      assert.equal(await store.recordMatch(match), true);
      const p = await store.progress(twin.id);
      assert.deepEqual([p.xp, p.duels, p.ratings.es], [10 + 25, 1, undefined]);
      assert.equal(await store.recordMatch(match), false, "and still once on a replay");
    });

    it("seeds learners in bulk with their progress and boards, which results then build on", async () => {
      const alltime = (board: string) => ({ board, period: "alltime" });
      const seeded = (u: UserRecord, xp: number, rating: number) => ({
        user: u,
        progress: { ...emptyProgress(u.id), xp, xpByLang: { es: xp }, ratings: { es: rating }, duels: 3, wins: 1 },
        boards: [{ ...alltime("global"), score: xp }, { ...alltime("es"), score: xp }, { ...alltime("rating-es"), score: rating }],
      });
      const [low, mid, top] = [user("Low"), user("mid_c", { username: "mid_c", guest: false, passwordHash: "h" }), user("Top")];
      await store.seedLearners([seeded(mid, 250, 1300), seeded(low, 50, 1100), seeded(top, 900, 1250)]);
      assert.equal((await store.userById(top.id))?.name, "Top");
      assert.equal((await store.userByUsername("MID_C"))?.id, mid.id);
      const p = await store.progress(mid.id);
      assert.deepEqual([p.xp, p.level, p.duels, p.wins, p.ratings.es, p.xpByLang.es], [250, levelForXp(250), 3, 1, 1300, 250]);
      assert.deepEqual((await store.top(alltime("global"), 10)).map((r) => [r.rank, r.name, r.score]), [[1, "Top", 900], [2, "mid_c", 250], [3, "Low", 50]]);
      assert.deepEqual((await store.top(alltime("rating-es"), 10)).map((r) => r.name), ["mid_c", "Top", "Low"]);
      assert.deepEqual((await store.around(alltime("es"), low.id, 1))!.map((r) => [r.rank, r.name]), [[2, "mid_c"], [3, "Low"]]);

      await store.recordMatch(duel([player(low, 900, true, ["correct"]), player(top, 0, false, ["wrong"])]));
      assert.equal((await store.progress(low.id)).xp, 50 + 10 + 25, "a result adds to the seeded XP");
      assert.deepEqual((await store.top(alltime("global"), 10)).map((r) => r.name), ["Top", "mid_c", "Low"]);
      assert.ok((await store.progress(low.id)).ratings.es > 1100, "and moves the seeded rating");

      await assert.rejects(store.seedLearners([seeded(user("Again", { id: top.id }), 1, 1)]), (e: any) => e.code === "BAD_REQUEST");
      await assert.rejects(store.seedLearners([seeded(user("x", { username: "Mid_C" }), 1, 1)]), (e: any) => e.code === "AUTH_USERNAME_TAKEN");
      assert.equal((await store.top(alltime("global"), 10)).length, 3, "a refused seed adds no row");
    });

    it("replaces a password hash", async () => {
      const acct = await store.createUser(user("hash_c", { username: "hash_c", guest: false, passwordHash: "old" }));
      await store.setPasswordHash(acct.id, "new");
      assert.equal((await store.userById(acct.id))?.passwordHash, "new");
    });

    it("keeps the interface language an account chose", async () => {
      const lea = await store.createUser(user("Lea", { uiLang: "de" }));
      assert.equal((await store.userById(lea.id))?.uiLang, "de");
      await store.setUiLanguage(lea.id, "pt");
      assert.equal((await store.userById(lea.id))?.uiLang, "pt");
    });

    it("takes a day's offline XP cap once per practice: the same id gets its first grant again, later ones what is left, none past the day's practices", async () => {
      const userId = randomUUID();
      const claim = (id: string, wanted: number, day = "2026-12-01") => store.offlineXp.claim({ userId, day, id, wanted, cap: 100, maxPractices: 3, expiresAt: Date.now() + 86_400_000 });
      assert.deepEqual(await claim("a", 60), { granted: 60, fresh: true });
      assert.deepEqual(await claim("a", 60), { granted: 60, fresh: false }, "sent again: the same grant, nothing more taken");
      assert.deepEqual(await claim("b", 60), { granted: 40, fresh: true }, "what is left of the cap");
      assert.deepEqual(await claim("c", 10), { granted: 0, fresh: true }, "the cap is spent: it counts for 0 XP");
      assert.equal(await claim("d", 10), null, "the day's three practices are taken");
      assert.deepEqual(await claim("b", 60), { granted: 40, fresh: false });
      assert.deepEqual(await claim("e", 30, "2026-12-02"), { granted: 30, fresh: true }, "another day has its own cap");
      const other = await store.offlineXp.claim({ userId: randomUUID(), day: "2026-12-01", id: "a", wanted: 60, cap: 100, maxPractices: 3, expiresAt: Date.now() + 86_400_000 });
      assert.deepEqual(other, { granted: 60, fresh: true }, "another learner's practice with the same id is their own");
    });

    it("records an offline practice's XP up to its cap, and streaks and reviews as any practice", async () => {
      const kim = await store.createUser(user("Kim"));
      const practice = duel([player(kim, 3, false, ["correct", "correct", "correct", "almost"], { placement: 1, xpCap: 12 })], { practice: true, matchId: `offline:${kim.id}:${randomUUID()}` });
      assert.equal(await store.recordMatch(practice), true);
      assert.equal(await store.recordMatch(practice), false);
      const progress = await store.progress(kim.id);
      assert.equal(progress.xp, 12, "5 × 3 + 2 = 17, capped at 12");
      assert.equal(progress.streak, 1);
      assert.ok(progress.reviews?.es?.["word 0"], "its words are scheduled for review");
    });

    it("deletes guests whose time ran out, but never one who played, one still on its way, or an account", async () => {
      const past = Date.now() - 1000;
      const idle = await store.createUser(user("Idle", { expiresAt: past }));
      const kept = await store.createUser(user("Kept", { expiresAt: past }));
      const played = await store.createUser(user("Played", { expiresAt: past }));
      const fresh = await store.createUser(user("Fresh", { expiresAt: Date.now() + 3_600_000 }));
      const account = await store.createUser(user("acct_c", { username: "acct_c", guest: false, passwordHash: "h" }));
      await store.recordMatch(duel([player(played, 10, true, ["correct"])], { practice: true }));
      assert.equal((await store.userById(played.id))?.expiresAt, undefined, "a recorded result clears the expiry");
      assert.equal(await store.deleteExpiredGuests(Date.now(), 100, [kept.id]), 1);
      assert.equal(await store.userById(idle.id), null);
      for (const u of [kept, played, fresh, account]) assert.ok(await store.userById(u.id), `${u.name} stays`);
      const upgraded = await store.createUser(user("Up", { expiresAt: past }));
      await store.upgradeGuest(upgraded.id, { username: "up_c", passwordHash: "h" });
      assert.equal(await store.deleteExpiredGuests(Date.now(), 100, [kept.id]), 0, "an account made from a guest does not expire");
    });
  });
}

