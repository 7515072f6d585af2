import { strict as assert } from "node:assert";
import {
  applyDelta, canonicalTimeZone, currentStreak, dayIn, emptyProgress, isoWeek, isTimeZone, levelForXp, nextStreak, planMatch,
  resultProblem, wordFromKey, wordKey, wordsToReview,
} from "../../server/progress.rules";
import { eloUpdate, xpFor } from "../../rooms/word-duel/worth.rules";
import { boardScores, isWeek, parseBoardQuery } from "../../server/boards";
import { echo } from "../../server/errors";
import type { MatchPlayer, MatchResult } from "../../rooms/shared/match-result";

const p = (userId: string, won: boolean, verdicts: MatchPlayer["words"][number]["verdict"][], extra: Partial<MatchPlayer> = {}): MatchPlayer => ({
  userId, name: userId, score: 0, placement: won ? 1 : 2, won, forfeited: false, isBot: false,
  words: verdicts.map((verdict, i) => ({ prompt: `w${i}`, verdict })), ...extra,
});
const result = (players: MatchPlayer[], extra: Partial<MatchResult> = {}): MatchResult => ({
  matchId: "m1", lang: "es", mode: "typed", practice: false, finishedAt: Date.parse("2026-11-22T12:00:00Z"), players, ...extra,
});

describe("progress rules", () => {
  it("gives XP by the table: answers, win, draw, practice, forfeit", () => {
    const duel = result([p("a", true, ["correct", "almost", "wrong"]), p("b", false, ["correct"])]);
    assert.equal(xpFor(duel.players[0], duel), 10 + 5 + 25);
    assert.equal(xpFor(duel.players[1], duel), 10);
    const draw = result([p("a", false, ["correct"]), p("b", false, [])]);
    assert.equal(xpFor(draw.players[0], draw), 10 + 10);
    const practice = result([p("a", true, ["correct", "almost"])], { practice: true });
    assert.equal(xpFor(practice.players[0], practice), 5 + 2);
    assert.equal(xpFor(p("a", false, ["correct"], { forfeited: true }), duel), 0);
  });
  it("gives a class game duel XP per answer, its win bonus only to a top scorer with points among others, no draw bonus, and no rating", () => {
    const klass = result([p("a", true, ["correct", "almost"], { score: 1500 }), p("b", false, ["correct"], { score: 900 })], { game: "class" });
    assert.equal(xpFor(klass.players[0], klass), 10 + 5 + 25);
    assert.equal(xpFor(klass.players[1], klass), 10);
    const alone = result([p("a", true, ["none"], { score: 0 })], { game: "class" });
    assert.equal(xpFor(alone.players[0], alone), 0, "a game hosted for oneself earns no bonus");
    const silent = result([p("a", true, ["none"], { score: 0 }), p("b", false, ["none"], { score: 0 })], { game: "class" });
    assert.equal(xpFor(silent.players[0], silent), 0);
    const tie = result([p("a", false, ["correct"], { score: 900 }), p("b", false, ["correct"], { score: 900 })], { game: "class" });
    assert.equal(xpFor(tie.players[0], tie), 10, "no draw bonus in a class game");
    const plan = planMatch(klass, new Map(), new Map());
    assert.ok(plan.users.every((u) => u.ratingChange === undefined && u.rating === undefined), "a two-player class game is not rated");
  });
  it("levels: 0, 100, 300, 600 XP start levels 1 to 4", () => {
    assert.deepEqual([0, 99, 100, 299, 300, 599, 600].map(levelForXp), [1, 1, 2, 2, 3, 3, 4]);
  });
  it("ISO weeks in UTC, across year ends", () => {
    assert.equal(isoWeek(Date.parse("2026-11-22T23:59:59Z")), "2026-W47"); // a Sunday
    assert.equal(isoWeek(Date.parse("2026-11-23T00:00:00Z")), "2026-W48"); // the Monday after
    assert.equal(isoWeek(Date.parse("2027-01-01T12:00:00Z")), "2026-W53");
    assert.equal(isoWeek(Date.parse("2024-12-30T12:00:00Z")), "2025-W01");
  });
  it("days in a time zone, and time zone names", () => {
    assert.equal(dayIn(Date.parse("2026-11-22T23:30:00Z"), "Asia/Tokyo"), "2026-11-23");
    assert.equal(dayIn(Date.parse("2026-11-22T03:00:00Z"), "America/Los_Angeles"), "2026-11-21");
    assert.ok(isTimeZone("Europe/Madrid"));
    assert.ok(!isTimeZone("Mars/Olympus"));
  });
  it("spells a time zone as the runtime does, whatever case a client sends (one spelling kept per zone)", () => {
    assert.equal(canonicalTimeZone("europe/madrid"), "Europe/Madrid");
    assert.equal(canonicalTimeZone("EUROPE/MADRID"), "Europe/Madrid");
    assert.equal(canonicalTimeZone("Mars/Olympus"), undefined);
    assert.equal(dayIn(Date.parse("2026-11-22T23:30:00Z"), "asia/TOKYO"), "2026-11-23");
  });
  it("streaks: same day, next day, a gap; and whether one is still alive", () => {
    assert.equal(nextStreak(0, "", "2026-11-22"), 1);
    assert.equal(nextStreak(3, "2026-11-22", "2026-11-22"), 3);
    assert.equal(nextStreak(3, "2026-11-21", "2026-11-22"), 4);
    assert.equal(nextStreak(3, "2026-11-20", "2026-11-22"), 1);
    assert.equal(nextStreak(3, "2026-02-28", "2026-03-01"), 4, "across a month end");
    assert.equal(currentStreak({ streak: 4, lastPlayedDay: "2026-11-21" }, "2026-11-22"), 4);
    assert.equal(currentStreak({ streak: 4, lastPlayedDay: "2026-11-20" }, "2026-11-22"), 0);
  });
  it("Elo with K=32", () => {
    assert.equal(eloUpdate(1200, 1200, 1), 1216);
    assert.equal(eloUpdate(1200, 1200, 0.5), 1200);
    assert.equal(eloUpdate(1400, 1200, 1), 1408);
  });
  it("word keys are storage-safe and reversible", () => {
    for (const prompt of ["Mr. Smith", "$money", "100%", "plain"]) {
      const key = wordKey(prompt);
      assert.ok(!key.includes(".") && !key.startsWith("$"));
      assert.equal(wordFromKey(key), prompt);
    }
  });
  it("two rated results planned from the same progress both move the rating (two processes writing one learner at once)", () => {
    const won = (matchId: string) => ({ ...result([p("a", true, ["correct"]), p("b", false, ["wrong"])]), matchId });
    const [m1, m2] = [won("m1"), won("m2")].map((r) => planMatch(r, new Map(), new Map()));
    let ana = emptyProgress("a");
    for (const plan of [m1, m2]) ana = applyDelta(ana, plan, plan.users.find((u) => u.userId === "a")!);
    assert.equal(m1.users[0].ratingChange, eloUpdate(1200, 1200, 1) - 1200);
    assert.equal(ana.ratings[m1.lang], 1200 + 2 * m1.users[0].ratingChange!, "both changes count, neither overwrites the other");
  });
  it("an older result applied late does not move the last played day back", () => {
    const plan = planMatch(result([p("a", true, ["correct"])]), new Map(), new Map([["a", "UTC"]]));
    const later = { ...emptyProgress("a"), lastPlayedDay: "2099-01-01" };
    assert.equal(applyDelta(later, plan, { ...plan.users[0], lastPlayedDay: "2026-11-18" }).lastPlayedDay, "2099-01-01");
  });
  it("plans and applies a match; review lists the worst words first", () => {
    const r = result([p("a", true, ["correct", "wrong", "wrong"]), p("bot", false, [], { isBot: true })]);
    const plan = planMatch(r, new Map(), new Map([["a", "UTC"]]));
    assert.equal(plan.againstBot, true);
    assert.equal(plan.users.length, 1, "no progress for bots");
    assert.equal(plan.users[0].ratingChange, undefined, "unrated against a bot");
    const after = applyDelta(emptyProgress("a"), plan, plan.users[0]);
    assert.deepEqual([after.xp, after.level, after.streak, after.applied], [10 + 25, 1, 1, ["m1"]]);
    assert.equal(after.weekly["2026-W47"].global, 35);
    assert.deepEqual(wordsToReview(after, 5).map((w) => [w.prompt, w.missed]), [["w1", 1], ["w2", 1]]);
    assert.deepEqual(boardScores(after, "es", "2026-W47").map((s) => `${s.board}|${s.period}=${s.score}`), [
      "global|alltime=35", "es|alltime=35", "global|2026-W47=35", "es|2026-W47=35",
    ]);
  });
  it("reads board queries with defaults", () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    assert.deepEqual(parseBoardQuery("global", {}, ["es"], now), { board: "global", period: "alltime", limit: 10, aroundMe: false });
    assert.equal(parseBoardQuery("es", { period: "weekly" }, ["es"], now).period, "2026-W47");
    assert.equal(parseBoardQuery("es", { period: "weekly", week: "2026-W40" }, ["es"], now).period, "2026-W40");
    assert.equal(parseBoardQuery("rating-es", { around: "me", limit: "3" }, ["es"], now).limit, 3);
  });
  it("takes only weeks that exist, and repeats at most 40 characters of an unknown board's name", () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    assert.equal(parseBoardQuery("es", { period: "weekly", week: "2026-W53" }, ["es"], now).period, "2026-W53", "2026 has 53 ISO weeks");
    for (const week of ["2025-W53", "0000-W01", "1999-W10", "2026-W54", "2026-W00", "2026-W7"]) {
      assert.throws(() => parseBoardQuery("es", { period: "weekly", week }, ["es"], now), /names an ISO week that exists/, week);
    }
    assert.ok(isWeek("2020-W53") && isWeek("2026-W01") && !isWeek("2027-W53"));
    const long = "a".repeat(16_000);
    assert.throws(() => parseBoardQuery(long, {}, ["es"], now), (err: Error) => err.message.startsWith(`unknown board "${"a".repeat(40)}…"`) && err.message.length < 200);
    assert.equal(echo('a"b'), '"a\\"b"', "quoted as JSON");
  });
});

describe("progress rules: planning is total", () => {
  it("counts an account that sat in two seats once, by its best line, and rates nothing", () => {
    const twice = result([p("a", true, ["correct", "correct"]), p("a", false, ["wrong"])]);
    const plan = planMatch(twice, new Map(), new Map());
    assert.equal(plan.users.length, 1);
    assert.equal(plan.users[0].xp, 10 + 10 + 25);
    assert.equal(plan.users[0].ratingChange, undefined, "one learner against themselves is not rated");
  });
  it("plans odd but well-formed results: no players, only bots, a time zone this runtime does not know", () => {
    assert.deepEqual(planMatch(result([]), new Map(), new Map()).users, []);
    assert.deepEqual(planMatch(result([p("bot:1", true, ["correct"], { isBot: true })]), new Map(), new Map()).users, []);
    const plan = planMatch(result([p("a", true, ["correct"]), p("b", false, [])]), new Map(), new Map([["a", "Mars/Olympus_Mons"]]));
    assert.equal(plan.users[0].lastPlayedDay, "2026-11-22");
    assert.equal(dayIn(0, "Not/A_Zone"), "1970-01-01");
  });
  it("says why a result cannot be recorded, so it is put aside instead of retried", () => {
    assert.equal(resultProblem(result([p("a", true, [])])), undefined);
    assert.equal(resultProblem(null), "not an object");
    assert.equal(resultProblem({ ...result([]), matchId: "" }), "no matchId");
    assert.equal(resultProblem({ ...result([]), finishedAt: Number.NaN }), "no finishedAt");
    assert.equal(resultProblem({ ...result([]), players: "x" }), "no players");
    assert.equal(resultProblem(result([{ ...p("a", true, []), userId: "" }])), "a player without an account");
    assert.equal(resultProblem(result([{ ...p("a", true, []), words: undefined as never }])), "a player without words");
    for (const prompt of ["", "__proto__", "constructor", "toString", "a\u0000b", "x".repeat(201)]) {
      assert.equal(resultProblem(result([{ ...p("a", true, []), words: [{ prompt, verdict: "wrong" }] }])), "a word that is not a deck prompt", JSON.stringify(prompt));
    }
    for (const ms of [-1, Number.NaN, "12" as never, null as never]) {
      assert.equal(resultProblem(result([{ ...p("a", true, []), words: [{ prompt: "apple", verdict: "correct", ms }] }])), "an answer time that is not a time", String(ms));
    }
    assert.equal(resultProblem(result([{ ...p("a", true, []), words: [{ prompt: "Mr. $apple", verdict: "correct", ms: 1e12 }] }])), undefined, "a huge time is recorded, not counted");
  });
});
