import { strict as assert } from "node:assert";
import { cohortIndex, cohortKey, DEFAULT_LEAGUES, leaguePage, leagueWeek, moveMessage, parseCohortKey, standings, TIERS, weekEnd, zones, type CohortMember } from "../../server/leagues.rules";
import { touchesTop } from "../../rooms/leaderboard/rules";

const member = (userId: string, xp: number, arrival: number): CohortMember => ({ userId, name: userId, xp, arrival });

describe("league rules (pure)", () => {
  it("has ten tiers, Bronze to Diamond", () => {
    assert.equal(TIERS.length, 10);
    assert.deepEqual([TIERS[0], TIERS[9]], ["Bronze", "Diamond"]);
  });

  it("cuts weeks at the configured UTC weekday and hour, named by the ISO week of their start", () => {
    const wed = Date.parse("2026-12-02T10:00:00Z");
    assert.deepEqual(leagueWeek(wed, DEFAULT_LEAGUES), { id: "2026-W49", start: Date.parse("2026-11-30T00:00:00Z"), end: Date.parse("2026-12-07T00:00:00Z") });
    const mondayStart = Date.parse("2026-11-30T00:00:00Z");
    assert.equal(leagueWeek(mondayStart, DEFAULT_LEAGUES).start, mondayStart, "the boundary itself opens the new week");
    assert.equal(leagueWeek(mondayStart - 1, DEFAULT_LEAGUES).id, "2026-W48");
    // Weeks that start on Sunday at 18:00 UTC: a Sunday morning is still the week before.
    const sunday = { startDay: 0, startHour: 18 };
    assert.equal(leagueWeek(Date.parse("2026-12-06T10:00:00Z"), sunday).start, Date.parse("2026-11-29T18:00:00Z"));
    assert.equal(leagueWeek(Date.parse("2026-12-06T19:00:00Z"), sunday).start, Date.parse("2026-12-06T18:00:00Z"));
    // Across a year end.
    assert.equal(leagueWeek(Date.parse("2027-01-01T12:00:00Z"), DEFAULT_LEAGUES).id, "2026-W53");
  });

  it("fills cohorts one after the other by arrival", () => {
    assert.deepEqual([0, 29, 30, 59, 60].map((a) => cohortIndex(a, 30)), [0, 0, 1, 1, 2]);
    assert.equal(cohortIndex(-1, 30), 0);
  });

  it("ranks by the week's XP, then the earlier arrival, then userId, the same way every time", () => {
    const ranked = standings([member("c", 40, 2), member("b", 50, 1), member("a", 50, 3), member("d", 50, 1)]);
    assert.deepEqual(ranked.map((m) => m.userId), ["b", "d", "a", "c"]);
  });

  it("moves at most 7 up and 5 down, never more than half of a small cohort, nobody past the top or bottom tier", () => {
    assert.deepEqual(zones(30, 3, DEFAULT_LEAGUES), { up: 7, down: 5 });
    assert.deepEqual(zones(1, 3, DEFAULT_LEAGUES), { up: 0, down: 0 });
    assert.deepEqual(zones(2, 3, DEFAULT_LEAGUES), { up: 1, down: 0 });
    assert.deepEqual(zones(3, 3, DEFAULT_LEAGUES), { up: 1, down: 1 });
    assert.deepEqual(zones(10, 3, DEFAULT_LEAGUES), { up: 5, down: 2 });
    assert.deepEqual(zones(30, 0, DEFAULT_LEAGUES), { up: 7, down: 0 }, "Bronze keeps its bottom");
    assert.deepEqual(zones(30, 9, DEFAULT_LEAGUES), { up: 0, down: 5 }, "Diamond has no top to leave by");
  });

  it("says what the end of the week did to each learner", () => {
    const cohort = Array.from({ length: 30 }, (_, i) => member(`u${String(i).padStart(2, "0")}`, 300 - i * 10, i));
    const end = weekEnd(cohort, 2, DEFAULT_LEAGUES);
    assert.deepEqual(end.slice(0, 8).map((e) => e.move), ["up", "up", "up", "up", "up", "up", "up", "stay"]);
    assert.deepEqual(end.slice(-6).map((e) => e.move), ["stay", "down", "down", "down", "down", "down"]);
    assert.deepEqual(end[0], { userId: "u00", rank: 1, move: "up", tier: 3 });
    assert.equal(end[29].tier, 1);
    assert.equal(moveMessage(end[0].move, end[0].tier), "Promoted to Sapphire");
    assert.equal(moveMessage("down", 0), "Moved down to Bronze");
    assert.equal(moveMessage("stay", 9), "Staying in Diamond");
  });

  it("names cohorts as tier|cohort and reads back only such names", () => {
    assert.equal(cohortKey(2, 14), "2|14");
    assert.deepEqual(parseCohortKey("2|14"), { tier: 2, cohort: 14 });
    for (const bad of ["2|", "|1", "a|b", "2|14|3", "-1|2", "__proto__"]) assert.equal(parseCohortKey(bad), undefined, bad);
  });

  it("builds a learner's page: not joined before any XP, else the standings with zones as if the week ended now", () => {
    const now = Date.parse("2026-12-02T10:00:00Z");
    const idle = leaguePage({ now, settings: DEFAULT_LEAGUES, member: null, cohort: [], record: { tier: 4, last: { week: "2026-W48", move: "down", tier: 4, rank: 27 } } });
    assert.deepEqual([idle.now, idle.week, idle.tier, idle.tierName, idle.joined, idle.cohort, idle.me], [now, "2026-W49", 4, "Ruby", false, null, null]);
    assert.deepEqual(idle.last, { week: "2026-W48", move: "down", tier: 4, rank: 27, tierName: "Ruby", message: "Moved down to Ruby" });
    const cohort = [member("b", 50, 1), member("a", 80, 0), member("c", 10, 2)];
    const page = leaguePage({ now, settings: DEFAULT_LEAGUES, member: { ...cohort[0], tier: 3 }, cohort, record: { tier: 3 } });
    assert.deepEqual(page.cohort?.standings.map((s) => [s.rank, s.userId, s.xp, s.zone]), [[1, "a", 80, "up"], [2, "b", 50, "stay"], [3, "c", 10, "down"]]);
    assert.deepEqual([page.cohort?.promote, page.cohort?.demote, page.cohort?.size], [1, 1, 30]);
    assert.deepEqual(page.me, { rank: 2, xp: 50, zone: "stay" });
    assert.equal(page.last, null);
  });
});

describe("live board: re-read only when a result can change the rows shown", () => {
  const shown = [{ userId: "a", name: "A", score: 90 }, { userId: "c", name: "C", score: 50 }];
  const row = (userId: string, score?: number, name = userId.toUpperCase()) => ({ userId, name, score });
  it("re-reads for a shown learner's new score or name, a newcomer above the last row (ties by userId), or a board not full", () => {
    assert.equal(touchesTop(shown, [row("c", 55)], 2), true);
    assert.equal(touchesTop(shown, [row("b", 50)], 2), true, "b sorts before c at equal score");
    assert.equal(touchesTop(shown, [row("d", 50)], 2), false, "d sorts after c");
    assert.equal(touchesTop(shown, [row("z", 10)], 2), false);
    assert.equal(touchesTop(shown, [row("a", 90)], 2), false, "a shown learner whose score did not move");
    assert.equal(touchesTop(shown, [row("z", 1)], 10), true, "fewer rows than the board shows");
    assert.equal(touchesTop(shown, [], 10), false);
  });
  it("re-reads for a new name only when its learner is shown", () => {
    assert.equal(touchesTop(shown, [row("a", undefined, "Ana")], 2), true);
    assert.equal(touchesTop(shown, [row("a", undefined, "A")], 2), false, "the same name");
    assert.equal(touchesTop(shown, [row("z", undefined, "Zed")], 10), false, "not shown, even on a board not full");
  });
});
