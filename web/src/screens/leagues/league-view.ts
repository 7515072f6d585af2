/**
 * What the Leagues tab says, pure: the time left in the week, the zones' labels, how far the
 * learner is from the promotion zone, and when to ask for the standings again. No DOM, no
 * storage, no clock of its own: `now` and `rng` come in as arguments.
 */
import type { LeaguePage, LeagueStanding, LeagueZone } from "../../../../client-sdk";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How often the open tab asks for the standings. */
export const POLL_MS = 15_000;
/** The longest wait between two asks while the server keeps failing. */
export const POLL_MAX_MS = 120_000;

/**
 * The time left until `endsAt`, short for the eye and spelled out for a screen reader.
 * @example timeLeft(Date.parse("2026-12-07T00:00:00Z"), Date.parse("2026-12-04T19:00:00Z")) // { short: "2 d 5 h left", long: "2 days 5 hours left" }
 */
export function timeLeft(endsAt: number, now: number): { short: string; long: string } {
  const left = endsAt - now;
  if (left <= 0) return { short: "Week over", long: "This week is over: the new one starts in a moment" };
  if (left < MINUTE) return { short: "< 1 min left", long: "less than a minute left" };
  const d = Math.floor(left / DAY);
  const h = Math.floor((left % DAY) / HOUR);
  const m = Math.floor((left % HOUR) / MINUTE);
  const parts: [number, string, string][] = d > 0 ? [[d, "d", "day"], [h, "h", "hour"]] : h > 0 ? [[h, "h", "hour"], [m, "min", "minute"]] : [[m, "min", "minute"]];
  const shown = parts.filter(([n], i) => i === 0 || n > 0);
  return {
    short: `${shown.map(([n, unit]) => `${n} ${unit}`).join(" ")} left`,
    long: `${shown.map(([n, , word]) => `${n} ${word}${n === 1 ? "" : "s"}`).join(" ")} left`,
  };
}

/**
 * The wait before the next ask: every {@link POLL_MS} while answers come, then doubling per
 * failure in a row up to {@link POLL_MAX_MS}, with ±20 % jitter so a server coming back is not
 * met by every open tab at once.
 * @example nextPollMs(0) // 15000; nextPollMs(2, () => 0.5) // 60000
 */
export function nextPollMs(failures: number, rng: () => number = Math.random): number {
  if (failures <= 0) return POLL_MS;
  const raw = Math.min(POLL_MAX_MS, POLL_MS * 2 ** failures);
  return Math.round(raw * (0.8 + 0.4 * rng()));
}

/**
 * Who moves at the week's end, in words.
 * @example moves(7, "top", "up") // "the top 7 move up"; moves(1, "bottom", "down") // "the bottom one moves down"
 */
export function moves(n: number, end: "top" | "bottom", way: "up" | "down"): string {
  if (n <= 0) return `nobody moves ${way}`;
  return n === 1 ? `the ${end} one moves ${way}` : `the ${end} ${n} move ${way}`;
}

/** A zone's heading in the standings, in words (never by colour alone). */
export function zoneHeading(zone: LeagueZone, page: LeaguePage): string {
  const c = page.cohort;
  const above = page.tiers[page.tier + 1];
  const below = page.tiers[page.tier - 1];
  if (zone === "up") return `Promotion zone: ${moves(c?.promote ?? 0, "top", "up")} to ${above ?? "the next tier"}`;
  if (zone === "down") return `Demotion zone: ${moves(c?.demote ?? 0, "bottom", "down")} to ${below ?? "the tier below"}`;
  return `Staying in ${page.tierName}`;
}

/** A row's zone in one or two words, with an arrow the screen reader skips. */
export function zoneMark(zone: LeagueZone): { arrow: string; text: string } {
  if (zone === "up") return { arrow: "▲", text: "Up" };
  if (zone === "down") return { arrow: "▼", text: "Down" };
  return { arrow: "", text: "Stay" };
}

/** The standings cut into their zones, in order, leaving out an empty zone. */
export function byZone(standings: readonly LeagueStanding[]): { zone: LeagueZone; rows: LeagueStanding[] }[] {
  return (["up", "stay", "down"] as const).map((zone) => ({ zone, rows: standings.filter((r) => r.zone === zone) })).filter((g) => g.rows.length > 0);
}

/**
 * Where the learner stands, in one sentence, with how much XP would take them into the
 * promotion zone (past its last row: equal XP goes to the earlier arrival, so one more).
 * @example standingLine(page) // "You're #9 with 40 XP this week: 21 XP more reaches the promotion zone."
 */
export function standingLine(page: LeaguePage): string {
  const { me, cohort } = page;
  if (!me || !cohort) return "";
  const head = `You're #${me.rank} of ${cohort.standings.length} with ${me.xp} XP this week`;
  if (me.zone === "up") return `${head}: in the promotion zone.`;
  const ups = cohort.standings.filter((r) => r.zone === "up");
  const lastUp = ups[ups.length - 1];
  const more = lastUp ? `: ${lastUp.xp - me.xp + 1} XP more reaches the promotion zone` : "";
  if (me.zone === "down") return `${head}, in the demotion zone${more}.`;
  return `${head}${more}.`;
}

/**
 * "Week 49" for "2026-W49".
 * @example weekLabel("2026-W49") // "Week 49"
 */
export function weekLabel(week: string): string {
  const n = /-W(\d+)$/.exec(week)?.[1];
  return n ? `Week ${Number(n)}` : week;
}
