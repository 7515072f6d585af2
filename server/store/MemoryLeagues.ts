import { cohortIndex, cohortKey, parseCohortKey, type LeagueSettings } from "../leagues.rules";
import type { LeagueMoveRecord, LeagueRecord } from "../progress.rules";
import type { LeagueJobRecord, LeagueMember, LeagueStore } from "./store";

/** What a league member's row is set from, inside a result's step. */
export interface LeagueScore {
  week: string;
  userId: string;
  name: string;
  /** The learner's XP in that league week (absolute, read after the result). */
  xp: number;
  /** Their progress's boardVersion: an older write never overwrites a newer one. */
  version: number;
}

/**
 * The in-memory store's leagues: members by week, arrival counters by week and tier, each
 * learner's tier and last move, the end-of-week jobs. One process, so no lease is ever
 * contended; the same rules as MongoDB's (first settlement wins, a placement is kept).
 */
export class MemoryLeagues implements LeagueStore {
  private readonly weeks = new Map<string, Map<string, LeagueMember & { version: number }>>();
  private readonly arrivals = new Map<string, number>();
  private readonly records = new Map<string, LeagueRecord>();
  private readonly jobs = new Map<string, LeagueJobRecord>();

  constructor(private readonly settings: Pick<LeagueSettings, "cohortSize">) {}

  /** Places a learner who earned XP in a week (once) and sets their XP there. */
  score(s: LeagueScore): void {
    if (s.xp <= 0) return;
    const members = this.weeks.get(s.week) ?? new Map();
    this.weeks.set(s.week, members);
    const member = members.get(s.userId);
    if (member) {
      if (s.version > member.version) Object.assign(member, { xp: s.xp, name: s.name, version: s.version });
      return;
    }
    const tier = this.records.get(s.userId)?.tier ?? 0;
    members.set(s.userId, { week: s.week, userId: s.userId, name: s.name, xp: s.xp, version: s.version, ...this.place(s.week, tier) });
  }

  /** A learner's new display name on every week they are in. */
  rename(userId: string, name: string): void {
    for (const members of this.weeks.values()) {
      const member = members.get(userId);
      if (member) member.name = name;
    }
  }

  private place(week: string, tier: number): { tier: number; cohort: number; arrival: number } {
    const key = `${week}|${tier}`;
    const arrival = this.arrivals.get(key) ?? 0;
    this.arrivals.set(key, arrival + 1);
    return { tier, arrival, cohort: cohortIndex(arrival, this.settings.cohortSize) };
  }

  async leagueMember(week: string, userId: string): Promise<LeagueMember | null> {
    const member = this.weeks.get(week)?.get(userId);
    return member ? strip(member) : null;
  }

  async leagueCohort(week: string, tier: number, cohort: number): Promise<LeagueMember[]> {
    return [...(this.weeks.get(week)?.values() ?? [])].filter((m) => m.tier === tier && m.cohort === cohort).map(strip);
  }

  async leagueCohorts(week: string): Promise<{ tier: number; cohort: number }[]> {
    const keys = new Set([...(this.weeks.get(week)?.values() ?? [])].map((m) => cohortKey(m.tier, m.cohort)));
    return [...keys].map((k) => parseCohortKey(k)!).sort((a, b) => a.tier - b.tier || a.cohort - b.cohort);
  }

  async leagueOf(userId: string): Promise<LeagueRecord> {
    return structuredClone(this.records.get(userId) ?? { tier: 0 });
  }

  async settleLeague(userId: string, outcome: LeagueMoveRecord, nextWeek: string): Promise<void> {
    const record = this.records.get(userId) ?? { tier: 0 };
    if (record.last?.week !== outcome.week) this.records.set(userId, { tier: outcome.tier, last: { ...outcome } });
    const tier = this.records.get(userId)!.tier;
    const next = this.weeks.get(nextWeek)?.get(userId);
    if (next && next.tier !== tier) Object.assign(next, this.place(nextWeek, tier));
  }

  async claimLeagueJob(week: string, owner: string, now: number, leaseMs: number): Promise<LeagueJobRecord | null> {
    const job = this.jobs.get(week);
    if (job?.status === "done") return null;
    if (job && job.owner !== owner && job.leaseUntil >= now) return null;
    const claimed: LeagueJobRecord = { week, owner, leaseUntil: now + leaseMs, status: "running", done: job?.done ?? [] };
    this.jobs.set(week, claimed);
    return structuredClone(claimed);
  }

  async leagueJobStep(week: string, owner: string, cohort: string | null, now: number, leaseMs: number): Promise<boolean> {
    const job = this.jobs.get(week);
    if (!job || job.owner !== owner) return false;
    if (cohort === null) job.status = "done";
    else if (!job.done.includes(cohort)) job.done.push(cohort);
    job.leaseUntil = now + leaseMs;
    return true;
  }
}

function strip({ version: _version, ...member }: LeagueMember & { version: number }): LeagueMember {
  return { ...member };
}
