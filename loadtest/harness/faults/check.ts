/**
 * The check at the end of a fault-injection run: the ledger of results the learners saw
 * (Journal.ts) against MongoDB itself (FerretDB, read directly, not through the
 * proxy), with the `mongodb` driver:
 *
 * - `matches`: one document per matchId with `status` (pending | applied) and the `plan`
 *   (each learner's XP delta); `progress`: per learner `xp`, `duels` and `applied` (the
 *   matchIds already in their progress).
 * - **lost**: a result a learner saw that is not in their `applied` and waits nowhere (not in
 *   the stream, an outbox file, the dead letters, nor a pending match); a match marked applied
 *   but not in a player's `applied`; `xp` or `duels` below what their `applied` matches give.
 * - **doubled**: a matchId twice in a learner's `applied`; `xp` or `duels` above what their
 *   `applied` matches give (so XP counted twice, or from nowhere).
 * - **unresolved**: seen, not applied yet, still waiting (the drain ran out of time): the
 *   check cannot tell, and says so. **dead-lettered**: put aside for an operator.
 * - **mismatch**: the XP shown differs from the XP the match's plan gives that learner.
 * - **recorded, never shown**: an applied match a learner of the run played in but whose
 *   `duel_result` never reached them, with how their session ended; **invented** among those:
 *   the learner's duel was cut (DUEL_SERVER_SHUTDOWN: "a cut duel records nothing").
 */
import { MongoClient } from "mongodb";
import type { CutSession, Journal } from "./Journal";

export interface Finding {
  userId: string;
  matchId?: string;
  why: string;
}

export interface Unseen {
  userId: string;
  matchId: string;
  xp: number;
  forfeited: boolean;
  /** finishedAt on the run's clock. */
  t: number;
  /** How the learner's session around then ended without a result (a code), or "—". */
  session: string;
}

export interface CheckResult {
  seen: number;
  seenXp: number;
  learnersWithResults: number;
  duplicateResultMessages: number;
  matchesInDb: number;
  matchesPending: number;
  lost: Finding[];
  doubled: Finding[];
  mismatch: Finding[];
  /** Seen, not in the database yet, but still waiting in the stream, an outbox file or a pending match. */
  unresolved: Finding[];
  /** Seen, put aside by the recorder (dead letters). */
  deadLettered: Finding[];
  unseen: Unseen[];
  invented: Unseen[];
}

interface PlanDelta {
  userId: string;
  xp: number;
  duels: number;
}
interface MatchDoc {
  _id: string;
  status: "pending" | "applied";
  plan?: { users?: PlanDelta[] };
  result?: { finishedAt?: number; players?: { userId: string; forfeited: boolean; isBot: boolean }[] };
}
interface ProgressDoc {
  _id: string;
  xp?: number;
  duels?: number;
  applied?: string[];
}

/** The session of `userId` that ended without a result nearest after `t` (within 40 s), or before it (within 5 s). */
function sessionNear(cuts: CutSession[], userId: string, t: number): string {
  const near = cuts.filter((c) => c.userId === userId && c.t >= t - 5_000 && c.t <= t + 40_000).sort((a, b) => Math.abs(a.t - t) - Math.abs(b.t - t));
  return near[0]?.code ?? "—";
}

/**
 * Each learner's progress against the matches it says it holds (`applied`): its XP and duels
 * must be exactly theirs; a match marked applied must be in it.
 */
function checkProgress(userIds: string[], progress: Map<string, ProgressDoc>, matches: Map<string, MatchDoc>, out: CheckResult): void {
  const appliedTo = new Map<string, string[]>();
  for (const m of matches.values()) {
    if (m.status !== "applied") continue;
    for (const d of m.plan?.users ?? []) appliedTo.set(d.userId, [...(appliedTo.get(d.userId) ?? []), m._id]);
  }
  for (const userId of userIds) {
    const p = progress.get(userId);
    const ids = p?.applied ?? [];
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    let xp = 0;
    let duels = 0;
    for (const [id, n] of counts) {
      if (n > 1) out.doubled.push({ userId, matchId: id, why: `in progress.applied ${n} times` });
      const delta = matches.get(id)?.plan?.users?.find((d) => d.userId === userId);
      if (!delta) out.doubled.push({ userId, matchId: id, why: "in progress.applied, but no match in the database gives this learner anything" });
      xp += delta?.xp ?? 0;
      duels += delta?.duels ?? 0;
    }
    const has = `${counts.size} matches in progress.applied`;
    if ((p?.xp ?? 0) > xp) out.doubled.push({ userId, why: `progress.xp ${p?.xp} is more than the ${xp} of the ${has}` });
    if ((p?.xp ?? 0) < xp) out.lost.push({ userId, why: `progress.xp ${p?.xp ?? 0} is less than the ${xp} of the ${has}` });
    if ((p?.duels ?? 0) > duels) out.doubled.push({ userId, why: `progress.duels ${p?.duels} is more than the ${duels} of the ${has}` });
    if ((p?.duels ?? 0) < duels) out.lost.push({ userId, why: `progress.duels ${p?.duels ?? 0} is less than the ${duels} of the ${has}` });
    for (const id of appliedTo.get(userId) ?? []) if (!counts.has(id)) out.lost.push({ userId, matchId: id, why: "match marked applied, but not in the learner's progress.applied" });
  }
}

/**
 * Each result seen against its match and the learner's progress. One not in the learner's
 * progress yet but still waiting somewhere (`waiting`: the stream, an outbox file, the dead
 * letters) is not lost: it is unresolved (the drain ran out of time) or dead-lettered.
 */
function checkSeen(journal: Journal, matches: Map<string, MatchDoc>, progress: Map<string, ProgressDoc>, waiting: Map<string, string>, out: CheckResult): void {
  for (const r of journal.results) {
    const m = matches.get(r.matchId);
    const inProgress = (progress.get(r.userId)?.applied ?? []).includes(r.matchId);
    const where = waiting.get(r.matchId);
    const seen = `seen at ${(r.t / 1000).toFixed(1)} s (${r.xp} XP, room on :${r.port})`;
    if (!inProgress) {
      const state = m ? `match ${m.status}` : "no match in the database";
      if (where?.startsWith("dead letters")) out.deadLettered.push({ userId: r.userId, matchId: r.matchId, why: `${seen}, ${state}, in ${where}` });
      else if (where) out.unresolved.push({ userId: r.userId, matchId: r.matchId, why: `${seen}, ${state}, still waiting in ${where}` });
      else if (m?.status === "pending") out.unresolved.push({ userId: r.userId, matchId: r.matchId, why: `${seen}, match pending (plan stored, not yet applied to this learner)` });
      else out.lost.push({ userId: r.userId, matchId: r.matchId, why: `${seen}, ${state}, not in the learner's progress and waiting nowhere` });
    }
    if (!m) continue;
    const delta = m.plan?.users?.find((d) => d.userId === r.userId);
    if (!delta) {
      out.lost.push({ userId: r.userId, matchId: r.matchId, why: "the match's plan has no line for this learner" });
      continue;
    }
    // (Applied but missing from this learner's progress.applied is reported by checkProgress.)
    if (delta.xp !== r.xp) out.mismatch.push({ userId: r.userId, matchId: r.matchId, why: `shown ${r.xp} XP, the match's plan gives ${delta.xp}` });
  }
}

/** Applied matches of the run's learners that no learner of it saw. */
function checkUnseen(journal: Journal, matches: MatchDoc[], userIds: Set<string>, t0: number, out: CheckResult): void {
  const seen = new Set(journal.results.map((r) => `${r.matchId}/${r.userId}`));
  for (const m of matches) {
    if (m.status !== "applied") continue;
    for (const p of m.result?.players ?? []) {
      if (p.isBot || !userIds.has(p.userId) || seen.has(`${m._id}/${p.userId}`)) continue;
      const xp = m.plan?.users?.find((d) => d.userId === p.userId)?.xp ?? 0;
      const t = (m.result?.finishedAt ?? t0) - t0;
      const u: Unseen = { userId: p.userId, matchId: m._id, xp, forfeited: p.forfeited, t, session: sessionNear(journal.cut, p.userId, t) };
      out.unseen.push(u);
      if (u.session === "DUEL_SERVER_SHUTDOWN") out.invented.push(u);
    }
  }
}

/** Reads the database once and checks the ledger against it. */
export async function checkLedger(url: string, dbName: string, journal: Journal, userIds: string[], t0: number, waiting: Map<string, string>): Promise<CheckResult> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    const db = client.db(dbName);
    const matchList = await db.collection<MatchDoc>("matches").find({}, { projection: { status: 1, plan: 1, "result.finishedAt": 1, "result.players.userId": 1, "result.players.forfeited": 1, "result.players.isBot": 1 } }).toArray();
    const progressList = await db.collection<ProgressDoc>("progress").find({ _id: { $in: userIds } }, { projection: { xp: 1, duels: 1, applied: 1 } }).toArray();
    const matches = new Map(matchList.map((m) => [m._id, m]));
    const progress = new Map(progressList.map((p) => [p._id, p]));
    const out: CheckResult = {
      seen: journal.results.length,
      seenXp: journal.results.reduce((n, r) => n + r.xp, 0),
      learnersWithResults: new Set(journal.results.map((r) => r.userId)).size,
      duplicateResultMessages: journal.duplicateResults,
      matchesInDb: matchList.length,
      matchesPending: matchList.filter((m) => m.status !== "applied").length,
      lost: [],
      doubled: [],
      mismatch: [],
      unresolved: [],
      deadLettered: [],
      unseen: [],
      invented: [],
    };
    checkProgress(userIds, progress, matches, out);
    checkSeen(journal, matches, progress, waiting, out);
    checkUnseen(journal, matchList, new Set(userIds), t0, out);
    return out;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Matches still pending and how many of the seen results are applied (the drain's progress). */
export async function drainState(url: string, dbName: string, journal: Journal): Promise<{ pending: number; seenApplied: number }> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3000 });
  try {
    const matches = client.db(dbName).collection<MatchDoc>("matches");
    const applied = new Set((await matches.find({ status: "applied" }, { projection: { _id: 1 } }).toArray()).map((m) => m._id));
    const pending = await matches.countDocuments({ status: { $ne: "applied" } });
    return { pending, seenApplied: journal.results.filter((r) => applied.has(r.matchId)).length };
  } finally {
    await client.close().catch(() => undefined);
  }
}
