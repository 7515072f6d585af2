import { strict as assert } from "node:assert";
import type { LeaguePage, LeagueStanding, LeagueZone } from "../../client-sdk";
import { byZone, moves, nextPollMs, POLL_MAX_MS, POLL_MS, standingLine, timeLeft, weekLabel, zoneHeading } from "../../web/src/screens/leagues/league-view";
import { webT } from "../helpers/web-i18n";

const t = webT("en");

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
    assert.deepEqual(timeLeft(END, END - (2 * 24 + 5) * 3_600_000 - 59_000, t), { short: "2 d 5 h left", long: "2 days 5 hours left" });
    assert.deepEqual(timeLeft(END, END - 24 * 3_600_000, t), { short: "1 d left", long: "1 day left" });
    assert.deepEqual(timeLeft(END, END - 3_600_000 - 12 * 60_000, t), { short: "1 h 12 min left", long: "1 hour 12 minutes left" });
    assert.deepEqual(timeLeft(END, END - 5 * 60_000, t), { short: "5 min left", long: "5 minutes left" });
    assert.equal(timeLeft(END, END - 30_000, t).short, "< 1 min left");
    assert.equal(timeLeft(END, END + 1, t).short, "Week over");
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
    assert.equal(zoneHeading("up", p, t), "Promotion zone: the top 2 move up to Gold");
    assert.equal(zoneHeading("down", p, t), "Demotion zone: the bottom one moves down to Bronze");
    assert.equal(zoneHeading("stay", p, t), "Staying in Silver");
    assert.deepEqual([moves(7, "up", t), moves(0, "up", t), moves(1, "down", t)], ["the top 7 move up", "nobody moves up", "the bottom one moves down"]);
    assert.deepEqual(byZone(p.cohort!.standings).map((g) => [g.zone, g.rows.length]), [["up", 2], ["stay", 2], ["down", 1]]);
  });

  it("tells the learner where they stand and how much XP takes them into the promotion zone", () => {
    assert.equal(standingLine(page([50, 40, 30, 20, 10], 1), t), "You're #1 of 5 with 50 XP this week: in the promotion zone.");
    assert.equal(standingLine(page([50, 40, 30, 20, 10], 3), t), "You're #3 of 5 with 30 XP this week: 11 XP more reaches the promotion zone.");
    assert.equal(standingLine(page([50, 40, 30, 20, 10], 5), t), "You're #5 of 5 with 10 XP this week, in the demotion zone: 31 XP more reaches the promotion zone.");
    assert.equal(standingLine({ ...page([50], 1), joined: false, cohort: null, me: null }, t), "");
  });

  it("names a league week by its number", () => {
    assert.equal(weekLabel("2026-W49", t), "Week 49");
    assert.equal(weekLabel("2027-W01", t), "Week 1");
  });

  it("says it all in the learner's interface language, with its plurals and its tier names", () => {
    const [fr, de, es] = [webT("fr"), webT("de"), webT("es")];
    const p = page([50, 40, 30, 20, 10], 3);
    assert.deepEqual(timeLeft(END, END - (2 * 24 + 1) * 3_600_000 - 59_000, fr), { short: "encore 2 j 1 h", long: "encore 2 jours 1 heure" });
    assert.equal(timeLeft(END, END - 24 * 3_600_000, de).long, "noch 1 Tag");
    assert.equal(zoneHeading("up", p, de), "Aufstiegszone: die besten 2 steigen auf, Ziel: Gold");
    assert.equal(zoneHeading("stay", p, es), "Se quedan en Plata");
    assert.equal(moves(1, "up", fr), "le premier monte");
    assert.equal(weekLabel("2026-W49", es), "Semana 49");
  });
});
