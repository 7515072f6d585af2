/**
 * Weekly leagues, pure (stores keep the cohorts, server/leagues.job.ts settles a week, and
 * server/http/leagues.routes.ts shows one). Every learner who earns XP in a league week sits in a cohort of about
 * {@link LeagueSettings.cohortSize} learners of their tier, ranked by that week's XP; when the
 * week ends the top of each cohort moves up a tier and the bottom down.
 *
 * 1. A league week starts at a fixed UTC boundary (a weekday and an hour, configurable) and is
 *    named by the ISO week of its start ({@link leagueWeek}).
 * 2. A learner's first XP of the week gives them an arrival number in their tier; the number
 *    picks the cohort ({@link cohortIndex}): cohorts fill one after the other, so every cohort
 *    but the last is full, and no learner's placement depends on anyone arriving later.
 * 3. Standings: by the week's XP, equal XP by the earlier arrival, then by userId — the same
 *    order on every path ({@link standings}).
 * 4. Zones ({@link zones}): at most `up` promoted and `down` demoted, never more than half of a
 *    small cohort either way, nobody above the top tier or below the bottom one.
 * Time comes in as an argument.
 */
import { isoWeek } from "./progress.rules";

/** The ten tiers, lowest first: a learner's tier is its index here. */
export const TIERS = ["Bronze", "Silver", "Gold", "Sapphire", "Ruby", "Emerald", "Amethyst", "Pearl", "Obsidian", "Diamond"] as const;
export type TierName = (typeof TIERS)[number];

/** How leagues are cut and moved (the configuration gives them). */
export interface LeagueSettings {
  /** Learners in a full cohort. */
  cohortSize: number;
  /** Promoted from each cohort at most. */
  up: number;
  /** Demoted from each cohort at most. */
  down: number;
  /** The weekday a league week starts on, UTC (0 Sunday … 6 Saturday). */
  startDay: number;
  /** The hour it starts at, UTC (0–23). */
  startHour: number;
}

export const DEFAULT_LEAGUES: LeagueSettings = { cohortSize: 30, up: 7, down: 5, startDay: 1, startHour: 0 };

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/**
 * The league week `now` falls in: when it started and ends (epoch ms, UTC) and its name, the
 * ISO week of its start.
 * @example leagueWeek(Date.parse("2026-12-02T10:00:00Z"), DEFAULT_LEAGUES) // { id: "2026-W49", start: Date.parse("2026-11-30T00:00:00Z"), end: … + 7 days }
 */
export function leagueWeek(now: number, s: Pick<LeagueSettings, "startDay" | "startHour">): { id: string; start: number; end: number } {
  const d = new Date(now);
  const todayAtHour = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), s.startHour);
  let start = todayAtHour - ((d.getUTCDay() - s.startDay + 7) % 7) * DAY_MS;
  if (start > now) start -= WEEK_MS;
  return { id: isoWeek(start), start, end: start + WEEK_MS };
}

/**
 * The cohort of the learner who arrived `arrival`-th (0-based) in their tier this week.
 * @example cohortIndex(29, 30) // 0 — the 30th learner still sits in the first cohort
 */
export function cohortIndex(arrival: number, cohortSize: number): number {
  return Math.floor(Math.max(0, arrival) / Math.max(1, cohortSize));
}

/**
 * A cohort's name in the stores and the job's record: "tier|cohort".
 * @example cohortKey(2, 14) // "2|14"
 */
export function cohortKey(tier: number, cohort: number): string {
  return `${tier}|${cohort}`;
}

/**
 * The tier and cohort of a {@link cohortKey}, or undefined when it is not one.
 * @example parseCohortKey("2|14") // { tier: 2, cohort: 14 }
 */
export function parseCohortKey(key: string): { tier: number; cohort: number } | undefined {
  const m = /^(\d+)\|(\d+)$/.exec(key);
  return m ? { tier: Number(m[1]), cohort: Number(m[2]) } : undefined;
}

/** A learner of a cohort as the standings read them. */
export interface CohortMember {
  userId: string;
  name: string;
  /** XP earned in this league week. */
  xp: number;
  /** Arrival number in the tier this week (earlier first). */
  arrival: number;
}

/**
 * A cohort in order: by the week's XP, then the earlier arrival, then userId.
 * @example standings([{ userId: "b", xp: 50, arrival: 1 }, { userId: "a", xp: 50, arrival: 0 }]) // a, b
 */
export function standings<M extends CohortMember>(members: readonly M[]): M[] {
  return members.slice().sort((x, y) => y.xp - x.xp || x.arrival - y.arrival || (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : 0));
}

/**
 * How many of a cohort of `size` in `tier` move up and down: at most `up` and `down`, never
 * more than half of the cohort either way (a cohort of one moves nobody), none up from the
 * top tier nor down from the bottom one.
 * @example zones(30, 0, DEFAULT_LEAGUES) // { up: 7, down: 0 } — nobody falls out of Bronze
 */
export function zones(size: number, tier: number, s: Pick<LeagueSettings, "up" | "down">): { up: number; down: number } {
  const up = tier >= TIERS.length - 1 ? 0 : Math.min(s.up, Math.floor(size / 2));
  const down = tier <= 0 ? 0 : Math.min(s.down, Math.floor((size - up) / 2));
  return { up, down };
}

/** What the end of a week did to a learner. */
export type Move = "up" | "down" | "stay";

/**
 * Each member's move at the end of the week, in standings order, and the tier they go to.
 * @example weekEnd(cohort, 2, DEFAULT_LEAGUES)[0] // { userId: "…", move: "up", tier: 3 }
 */
export function weekEnd<M extends CohortMember>(members: readonly M[], tier: number, s: Pick<LeagueSettings, "up" | "down">): { userId: string; rank: number; move: Move; tier: number }[] {
  const ordered = standings(members);
  const { up, down } = zones(ordered.length, tier, s);
  return ordered.map((m, i) => {
    const move: Move = i < up ? "up" : i >= ordered.length - down ? "down" : "stay";
    return { userId: m.userId, rank: i + 1, move, tier: move === "up" ? tier + 1 : move === "down" ? tier - 1 : tier };
  });
}

/**
 * What a learner is told the next time they come.
 * @example moveMessage("up", 1) // "Promoted to Silver"
 */
export function moveMessage(move: Move, tier: number): string {
  const name = TIERS[Math.min(Math.max(tier, 0), TIERS.length - 1)];
  if (move === "up") return `Promoted to ${name}`;
  if (move === "down") return `Moved down to ${name}`;
  return `Staying in ${name}`;
}

/** What a learner's league page is made of: the week, their place (null before any XP this week), their cohort and record. */
export interface LeaguePageInput {
  now: number;
  settings: LeagueSettings;
  member: (CohortMember & { tier: number }) | null;
  cohort: readonly CohortMember[];
  /** The learner's tier now and the last week that moved them. */
  record: { tier: number; last?: { week: string; move: Move; tier: number; rank: number } };
}

/**
 * A learner's league page: this week, their tier, the cohort's standings with the zones as if
 * the week ended now, and what the last settled week did to them (the API's LeaguePage).
 * @example leaguePage({ now, settings: DEFAULT_LEAGUES, member: null, cohort: [], record: { tier: 0 } }).joined // false
 */
export function leaguePage({ now, settings, member, cohort, record }: LeaguePageInput) {
  const week = leagueWeek(now, settings);
  const tier = member?.tier ?? record.tier;
  const last = record.last ? { ...record.last, tierName: TIERS[record.last.tier], message: moveMessage(record.last.move, record.last.tier) } : null;
  const base = { now, week: week.id, startsAt: week.start, endsAt: week.end, tiers: [...TIERS], tier, tierName: TIERS[tier], last };
  if (!member) return { ...base, joined: false, cohort: null, me: null } as const;
  const byId = new Map(cohort.map((m) => [m.userId, m]));
  const standings = weekEnd(cohort, tier, settings).map((m) => ({ rank: m.rank, userId: m.userId, name: byId.get(m.userId)!.name, xp: byId.get(m.userId)!.xp, zone: m.move }));
  const { up, down } = zones(cohort.length, tier, settings);
  const mine = standings.find((s) => s.userId === member.userId);
  return {
    ...base,
    joined: true,
    cohort: { size: settings.cohortSize, promote: up, demote: down, standings },
    me: mine ? { rank: mine.rank, xp: mine.xp, zone: mine.zone } : null,
  } as const;
}
