import { strict as assert } from "node:assert";
import type { LeaguePage, LeagueStanding, LeagueZone } from "../../client-sdk";
import { byZone, moves, nextPollMs, POLL_MAX_MS, POLL_MS, standingLine, timeLeft, weekLabel, zoneHeading } from "../../web/src/screens/leagues/league-view";

const TIERS = ["Bronze", "Silver", "Gold", "Sapphire", "Ruby", "Emerald", "Amethyst", "Pearl", "Obsidian", "Diamond"];
const END = Date.parse("2026-12-07T00:00:00Z");

/** A cohort of `xps` (in standings order), 2 up and 1 down, the learner at `meRank`. */
function page(xps: number[], meRank: number, tier = 1): LeaguePage {
  const zone = (i: number): LeagueZone => (i < 2 ? "up" : i >= xps.length - 1 ? "down" : "stay");
  const standings: LeagueStanding[] = xps.map((xp, i) => ({ rank: i + 1, userId: `u${i}`, name: `L${i}`, xp, zone: zone(i) }));
  const me = standings[meRank - 1];
  return {
    now: END - 86_400_000, week: "2026-W49", startsAt: END - 7 * 86_400_000, endsAt: END, tiers: TIERS, tier, tierName: TIERS[tier], joined: true,
    cohort: { size: 30, promote: 2, demote: 1, standings }, me: { rank: me.rank, xp: me.xp, zone: me.zone }, last: null,
  };
}

describe("web: the Leagues tab's words", () => {
  it("says the time left in days and hours, then hours and minutes, short and spelled out", () => {
    assert.deepEqual(timeLeft(END, END - (2 * 24 + 5) * 3_600_000 - 59_000), { short: "2 d 5 h left", long: "2 days 5 hours left" });
    assert.deepEqual(timeLeft(END, END - 24 * 3_600_000), { short: "1 d left", long: "1 day left" });
    assert.deepEqual(timeLeft(END, END - 3_600_000 - 12 * 60_000), { short: "1 h 12 min left", long: "1 hour 12 minutes left" });
    assert.deepEqual(timeLeft(END, END - 5 * 60_000), { short: "5 min left", long: "5 minutes left" });
    assert.equal(timeLeft(END, END - 30_000).short, "< 1 min left");
    assert.equal(timeLeft(END, END + 1).short, "Week over");
  });

  it("asks every 15 s while answers come and backs off, capped, while they fail", () => {
    const mid = () => 0.5;
    assert.equal(nextPollMs(0), POLL_MS);
    assert.deepEqual([1, 2, 3, 4, 10].map((f) => nextPollMs(f, mid)), [30_000, 60_000, 120_000, 120_000, POLL_MAX_MS]);
    assert.equal(nextPollMs(1, () => 0), 24_000, "jitter: -20 %");
    assert.equal(nextPollMs(1, () => 1), 36_000, "jitter: +20 %");
  });

  it("names the zones in words, with the tiers they lead to", () => {
    const p = page([50, 40, 30, 20, 10], 3);
    assert.equal(zoneHeading("up", p), "Promotion zone: the top 2 move up to Gold");
    assert.equal(zoneHeading("down", p), "Demotion zone: the bottom one moves down to Bronze");
    assert.equal(zoneHeading("stay", p), "Staying in Silver");
    assert.deepEqual([moves(7, "top", "up"), moves(0, "top", "up")], ["the top 7 move up", "nobody moves up"]);
    assert.deepEqual(byZone(p.cohort!.standings).map((g) => [g.zone, g.rows.length]), [["up", 2], ["stay", 2], ["down", 1]]);
  });

  it("tells the learner where they stand and how much XP takes them into the promotion zone", () => {
    assert.equal(standingLine(page([50, 40, 30, 20, 10], 1)), "You're #1 of 5 with 50 XP this week: in the promotion zone.");
    assert.equal(standingLine(page([50, 40, 30, 20, 10], 3)), "You're #3 of 5 with 30 XP this week: 11 XP more reaches the promotion zone.");
    assert.equal(standingLine(page([50, 40, 30, 20, 10], 5)), "You're #5 of 5 with 10 XP this week, in the demotion zone: 31 XP more reaches the promotion zone.");
    assert.equal(standingLine({ ...page([50], 1), joined: false, cohort: null, me: null }), "");
  });

  it("names a league week by its number", () => {
    assert.equal(weekLabel("2026-W49"), "Week 49");
    assert.equal(weekLabel("2027-W01"), "Week 1");
  });
});
