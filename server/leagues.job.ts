/**
 * The end-of-week job of the weekly leagues: once a league week has ended (and
 * LEAGUE_SETTLE_DELAY_MS more, for results still on their way), settle every cohort of it —
 * the top moves up a tier, the bottom down (leagues.rules `weekEnd`) — exactly once in the
 * cluster, whatever dies when.
 *
 * - **One runner.** Every process looks every LEAGUE_CHECK_MS; the store's job record (one
 *   per week) is a lease: whoever claims it runs, renewing it after each cohort; the others
 *   find it held and go on. A runner that dies leaves a lease that runs out, and the next
 *   claimant takes over where it stopped.
 * - **Resumable.** The record lists the cohorts settled; a new runner skips them.
 * - **Idempotent.** Were two runners ever to settle one cohort (a lease taken over from a
 *   runner that was only slow), the learner's first settlement of the week wins and the
 *   second writes nothing (Store.leagues.settleLeague).
 */
import { randomUUID } from "node:crypto";
import { cohortKey, leagueWeek, weekEnd, type LeagueSettings } from "./leagues.rules";
import type { Logger } from "./logger";
import type { LeagueStore } from "./store/store";
import { loudOnce, Periodic } from "./Periodic";

export interface LeagueJobOptions {
  settings: LeagueSettings;
  /** How long after a week's end it is settled (results finished before the end still land). */
  settleDelayMs: number;
  /** How long a claim holds without being renewed. */
  leaseMs: number;
  now: () => number;
  /** Test hook: called after each cohort is settled and recorded (throw to simulate a crash). */
  afterCohort?: (cohort: string) => void;
  /**
   * How many results finished before `at` are still on their way (the outbox): a week is
   * settled only once none of its results waits (a store that was down for a while).
   */
  pendingBefore?: (at: number) => Promise<number>;
  /** Runs a learner's settlement when none of their results is being written (the recorder's locks). */
  serialize?: <T>(userIds: readonly string[], write: () => Promise<T>) => Promise<T>;
}

/** What one settlement did. */
export interface Settled {
  week: string;
  cohorts: number;
  learners: number;
}

export class LeagueJob {
  /** Who this runner is in the job records. */
  readonly owner = randomUUID();
  private readonly looks = new Periodic(
    () => this.runDue(),
    loudOnce(this.log, "leagues: the end-of-week job could not run; trying again at every look", "leagues: the end-of-week job runs again"),
  );

  constructor(
    private readonly store: LeagueStore,
    private readonly log: Logger,
    private readonly opts: LeagueJobOptions,
  ) {}

  /** The league week due for settlement now: the one before the week `now − settleDelayMs` falls in. */
  dueWeek(now = this.opts.now()): { id: string; start: number; end: number } {
    const current = leagueWeek(now - this.opts.settleDelayMs, this.opts.settings);
    return leagueWeek(current.start - 1, this.opts.settings);
  }

  /** Settles the due week unless it is done or another runner holds it; null when it did nothing. */
  async runDue(): Promise<Settled | null> {
    return this.settle(this.dueWeek());
  }

  /** Settles one week's cohorts (those not settled yet), if this runner can claim its job. */
  async settle({ id: week, end }: { id: string; end: number }): Promise<Settled | null> {
    const { leaseMs, settings, now, serialize = (_ids, write) => write() } = this.opts;
    const waiting = (await this.opts.pendingBefore?.(end)) ?? 0;
    if (waiting > 0) {
      this.log.info({ week, waiting }, "leagues: results of the week are still on their way; settling it later");
      return null;
    }
    const job = await this.store.claimLeagueJob(week, this.owner, now(), leaseMs);
    if (!job) return null;
    const next = leagueWeek(end, settings).id;
    const done = new Set(job.done);
    let cohorts = 0;
    let learners = 0;
    for (const { tier, cohort } of await this.store.leagueCohorts(week)) {
      const key = cohortKey(tier, cohort);
      if (done.has(key)) continue;
      const members = await this.store.leagueCohort(week, tier, cohort);
      for (const m of weekEnd(members, tier, settings)) {
        await serialize([m.userId], () => this.store.settleLeague(m.userId, { week, move: m.move, from: tier, tier: m.tier, rank: m.rank }, next));
      }
      if (!(await this.store.leagueJobStep(week, this.owner, key, now(), leaseMs))) {
        this.log.warn({ week, cohort: key }, "leagues: another runner took the week over; stopping");
        return null;
      }
      cohorts += 1;
      learners += members.length;
      this.opts.afterCohort?.(key);
    }
    if (!(await this.store.leagueJobStep(week, this.owner, null, now(), leaseMs))) return null;
    this.log.info({ week, cohorts, learners, resumedAfter: done.size }, "leagues: week settled");
    return { week, cohorts, learners };
  }

  /** Looks every `everyMs` (and once now); a store that is away is tried again at the next look. */
  start(everyMs: number): void {
    this.looks.start(everyMs);
  }

  /** Stops looking and waits for a settlement under way to reach its next step. */
  stop(): Promise<void> {
    return this.looks.stop();
  }
}
