/**
 * What the Leagues tab says, pure: the time left in the week, the zones' labels, how far the
 * learner is from the promotion zone, and when to ask for the standings again. No DOM, no
 * storage, no clock of its own: `now` and `rng` come in as arguments, and so does `t`, the
 * interface language's sentences (web/src/locales/<language>/leagues.json).
 */
import type { LeagueOutcome, LeaguePage, LeagueStanding, LeagueZone } from "../../../../client-sdk";

/** A catalogue lookup, as i18next's `t` does it: a key ("leagues:week") and its values. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * The tiers' keys in the catalogue (`leagues:tiers.<key>`), lowest first, as the server's
 * TIERS (server/leagues.rules.ts) name them: the page gives a tier's index, the catalogue its
 * name in the interface language.
 */
export const TIER_KEYS = ["bronze", "silver", "gold", "sapphire", "ruby", "emerald", "amethyst", "pearl", "obsidian", "diamond"] as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How often the open tab asks for the standings. */
export const POLL_MS = 15_000;
/** The longest wait between two asks while the server keeps failing. */
export const POLL_MAX_MS = 120_000;

/**
 * The time left until `endsAt`, short for the eye and spelled out for a screen reader.
 * @example timeLeft(Date.parse("2026-12-07T00:00:00Z"), Date.parse("2026-12-04T19:00:00Z"), t) // { short: "2 d 5 h left", long: "2 days 5 hours left" }
 */
export function timeLeft(endsAt: number, now: number, t: Translate): { short: string; long: string } {
  const left = endsAt - now;
  if (left <= 0) return { short: t("leagues:left.over"), long: t("leagues:left.overLong") };
  if (left < MINUTE) return { short: t("leagues:left.underMinute"), long: t("leagues:left.underMinuteLong") };
  const d = Math.floor(left / DAY);
  const h = Math.floor((left % DAY) / HOUR);
  const m = Math.floor((left % HOUR) / MINUTE);
  const units = {
    d: [(n: number) => t("leagues:left.d", { n }), (count: number) => t("leagues:left.days", { count })],
    h: [(n: number) => t("leagues:left.h", { n }), (count: number) => t("leagues:left.hours", { count })],
    min: [(n: number) => t("leagues:left.min", { n }), (count: number) => t("leagues:left.minutes", { count })],
  } as const;
  const parts: [number, keyof typeof units][] = d > 0 ? [[d, "d"], [h, "h"]] : h > 0 ? [[h, "h"], [m, "min"]] : [[m, "min"]];
  const shown = parts.filter(([n], i) => i === 0 || n > 0);
  return {
    short: t("leagues:left.short", { time: shown.map(([n, unit]) => units[unit][0](n)).join(" ") }),
    long: t("leagues:left.long", { time: shown.map(([n, unit]) => units[unit][1](n)).join(" ") }),
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
 * Who moves at the week's end, in words: the top of the cohort up, the bottom down.
 * @example moves(7, "up", t) // "the top 7 move up"; moves(1, "down", t) // "the bottom one moves down"
 */
export function moves(n: number, way: "up" | "down", t: Translate): string {
  if (way === "up") return n <= 0 ? t("leagues:moves.nobodyUp") : t("leagues:moves.up", { count: n });
  return n <= 0 ? t("leagues:moves.nobodyDown") : t("leagues:moves.down", { count: n });
}

/**
 * A tier's name in the interface language, by its index; the server's name for a tier the
 * catalogue does not know.
 * @example tierName(1, page, t) // "Silver" ("Argent", "Silber")
 */
export function tierName(tier: number, page: Pick<LeaguePage, "tiers">, t: Translate): string {
  const key = TIER_KEYS[tier];
  return key && page.tiers.length === TIER_KEYS.length ? t(`leagues:tiers.${key}`) : (page.tiers[tier] ?? "");
}

/** A zone's heading in the standings, in words (never by colour alone). */
export function zoneHeading(zone: LeagueZone, page: LeaguePage, t: Translate): string {
  const c = page.cohort;
  const above = page.tier + 1 < page.tiers.length ? tierName(page.tier + 1, page, t) : undefined;
  const below = page.tier > 0 ? tierName(page.tier - 1, page, t) : undefined;
  if (zone === "up") return t("leagues:zone.up", { moves: moves(c?.promote ?? 0, "up", t), tier: above ?? t("leagues:zone.nextTier") });
  if (zone === "down") return t("leagues:zone.down", { moves: moves(c?.demote ?? 0, "down", t), tier: below ?? t("leagues:zone.tierBelow") });
  return t("leagues:zone.stay", { tier: tierName(page.tier, page, t) });
}

/** A row's zone in one or two words, with an arrow the screen reader skips. */
export function zoneMark(zone: LeagueZone, t: Translate): { arrow: string; text: string } {
  if (zone === "up") return { arrow: "▲", text: t("leagues:mark.up") };
  if (zone === "down") return { arrow: "▼", text: t("leagues:mark.down") };
  return { arrow: "", text: t("leagues:mark.stay") };
}

/**
 * Last week's outcome as a sentence in the interface language (the page's `message` is the
 * server's English).
 * @example outcomeSentence(last, page, t) // "Promoted to Silver."
 */
export function outcomeSentence(last: LeagueOutcome, page: Pick<LeaguePage, "tiers">, t: Translate): string {
  const tier = tierName(last.tier, page, t) || last.tierName;
  if (last.move === "up") return t("leagues:outcome.up", { tier });
  if (last.move === "down") return t("leagues:outcome.down", { tier });
  return t("leagues:outcome.stay", { tier });
}

/** The standings cut into their zones, in order, leaving out an empty zone. */
export function byZone(standings: readonly LeagueStanding[]): { zone: LeagueZone; rows: LeagueStanding[] }[] {
  return (["up", "stay", "down"] as const).map((zone) => ({ zone, rows: standings.filter((r) => r.zone === zone) })).filter((g) => g.rows.length > 0);
}

/**
 * Where the learner stands, in one sentence, with how much XP would take them into the
 * promotion zone (past its last row: equal XP goes to the earlier arrival, so one more).
 * @example standingLine(page, t) // "You're #9 of 12 with 40 XP this week: 21 XP more reaches the promotion zone."
 */
export function standingLine(page: LeaguePage, t: Translate): string {
  const { me, cohort } = page;
  if (!me || !cohort) return "";
  const values = { rank: me.rank, n: cohort.standings.length, xp: me.xp };
  if (me.zone === "up") return t("leagues:standing.up", values);
  const ups = cohort.standings.filter((r) => r.zone === "up");
  const lastUp = ups[ups.length - 1];
  const more = lastUp ? lastUp.xp - me.xp + 1 : undefined;
  if (me.zone === "down") return more === undefined ? t("leagues:standing.down", values) : t("leagues:standing.downMore", { ...values, more });
  return more === undefined ? t("leagues:standing.stay", values) : t("leagues:standing.stayMore", { ...values, more });
}

/**
 * The week's number alone, "49" for "2026-W49" (undefined for another shape).
 * @example weekNumber("2026-W49") // 49
 */
export function weekNumber(week: string): number | undefined {
  const n = /-W(\d+)$/.exec(week)?.[1];
  return n ? Number(n) : undefined;
}

/**
 * "Week 49" for "2026-W49".
 * @example weekLabel("2026-W49", t) // "Week 49"
 */
export function weekLabel(week: string, t: Translate): string {
  const n = weekNumber(week);
  return n === undefined ? week : t("leagues:week", { n });
}
