/**
 * Progress rules, pure: what a finished duel or practice is worth to each learner (XP,
 * level, daily streak in the learner's time zone, Elo rating per language, per-word stats),
 * and which leaderboard scores follow from a learner's progress. Stores apply a
 * {@link MatchPlan} exactly once per matchId. What a result is worth (XP, Elo) is a game
 * rule: rooms/word-duel/worth.rules.ts.
 */
import type { MatchResult } from "../rooms/shared/match-result";
import type { AlmostReason } from "../rooms/word-duel/messages";
import { START_RATING, eloUpdate, xpFor } from "../rooms/word-duel/worth.rules";
import { dueWords, isNewer, review, type ReviewCard, type ReviewCards } from "./review.rules";

/** XP needed to go from level n to n+1 is LEVEL_STEP × n. */
export const LEVEL_STEP = 100;

/** The reasons an answer can be almost, as counted per word. */
export const ALMOST_REASONS: readonly AlmostReason[] = ["accent", "typo", "article"];

/**
 * Counts of one word for one learner: asked, missed (anything but right), almost (and why),
 * answered at all and the answer time summed (for the mean). Results recorded before the
 * almost counts were kept have only `seen` and `missed`.
 */
export interface WordStat {
  seen: number;
  missed: number;
  almost?: number;
  accent?: number;
  typo?: number;
  article?: number;
  answered?: number;
  /** Sum of the answer times (ms) of the `answered` answers. */
  ms?: number;
}

export interface Progress {
  userId: string;
  xp: number;
  level: number;
  /** Consecutive days (in the learner's time zone) with a finished duel or practice. */
  streak: number;
  /** Last day (YYYY-MM-DD, learner's time zone) that counted for the streak; "" before any. */
  lastPlayedDay: string;
  ratings: Record<string, number>;
  xpByLang: Record<string, number>;
  /** XP per ISO week ("2026-W47") and board ("global" or a language). */
  weekly: Record<string, Record<string, number>>;
  duels: number;
  wins: number;
  /** Per language, per word key (see {@link wordKey}). */
  words: Record<string, Record<string, WordStat>>;
  /** Spaced-repetition cards (review.rules.ts), per language, per word key. */
  reviews: ReviewCards;
  /** Ids of the latest matches applied to this learner, newest last (at most {@link APPLIED_MEMORY}). */
  applied: string[];
  /** XP per league week (leagues.rules.ts `leagueWeek`, e.g. "2026-W49"). */
  leagueXp: Record<string, number>;
  /** The learner's league tier (0 Bronze … 9 Diamond) and what the last settled week did to them. */
  league: LeagueRecord;
  /**
   * Results applied to this learner so far: their board and league rows carry it, so a write
   * read before a newer one (another process, a rebuild) never overwrites it.
   */
  boardVersion: number;
}

/** What the end of a league week did to a learner: the tier they went to and their final rank. */
export interface LeagueMoveRecord {
  week: string;
  move: "up" | "down" | "stay";
  /** The tier before the move. */
  from: number;
  tier: number;
  rank: number;
}

/** A learner's league tier and the last week that moved them. */
export interface LeagueRecord {
  tier: number;
  last?: LeagueMoveRecord;
}

/** Match ids remembered per learner: re-applying one of them is a no-op. */
export const APPLIED_MEMORY = 1000;

export function emptyProgress(userId: string): Progress {
  return { userId, xp: 0, level: 1, streak: 0, lastPlayedDay: "", ratings: {}, xpByLang: {}, weekly: {}, duels: 0, wins: 0, words: {}, reviews: {}, applied: [], leagueXp: {}, league: { tier: 0 }, boardVersion: 0 };
}

/**
 * Level from total XP: level n starts at LEVEL_STEP × n(n−1)/2 XP (0, 100, 300, 600, …).
 * @example levelForXp(300) // 3
 */
export function levelForXp(xp: number): number {
  return Math.floor((1 + Math.sqrt(1 + (8 * Math.max(0, xp)) / LEVEL_STEP)) / 2);
}

/**
 * The calendar day of an instant in a time zone, as YYYY-MM-DD.
 * @example dayIn(Date.parse("2026-11-22T23:30:00Z"), "Asia/Tokyo") // "2026-11-23"
 */
export function dayIn(epochMs: number, timeZone = "UTC"): string {
  // A zone this runtime does not know (an old record, a newer tz database elsewhere) counts as UTC.
  const zone = canonicalTimeZone(timeZone) ?? "UTC";
  let format = dayFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(zone, format);
  }
  return format.format(epochMs);
}

/** Formatters by time zone, as the runtime spells it: making one costs far more than using it. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Zones found valid, as the runtime spells them, so a sign-in or a day does not build a
 * formatter to check one. Only the runtime's own spelling is kept (names are
 * case-insensitive: "europe/madrid" is valid too), so this set and dayFormats stay within
 * the tz database whatever clients send.
 */
const knownZones = new Set<string>();

/**
 * `timeZone` as this runtime spells it ("europe/madrid" → "Europe/Madrid"), or undefined for
 * a zone it does not know. What the API stores, so what is kept per zone stays bounded.
 */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (knownZones.has(timeZone)) return timeZone;
  let spelled: string;
  try {
    spelled = new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  knownZones.add(spelled);
  return spelled;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  return canonicalTimeZone(timeZone) !== undefined;
}

/**
 * ISO 8601 week of an instant in UTC, e.g. "2026-W47" (weeks start on Monday; week 1 holds
 * the year's first Thursday).
 */
export function isoWeek(epochMs: number): string {
  const d = new Date(epochMs);
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** The day before a YYYY-MM-DD day. */
function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The streak after playing on `today`: same day keeps it, the next day adds one, a gap restarts at 1. */
export function nextStreak(streak: number, lastPlayedDay: string, today: string): number {
  if (lastPlayedDay === today) return Math.max(streak, 1);
  return lastPlayedDay === previousDay(today) ? streak + 1 : 1;
}

/** The streak as it stands on `today`: alive while the last day played is today or yesterday. */
export function currentStreak(progress: Pick<Progress, "streak" | "lastPlayedDay">, today: string): number {
  return progress.lastPlayedDay === today || progress.lastPlayedDay === previousDay(today) ? progress.streak : 0;
}

/**
 * A word's key in stats: storage-safe (no "." or leading "$"), stable for one prompt.
 * @example wordKey("Mr. Smith") // "Mr%2E Smith"
 */
export function wordKey(prompt: string): string {
  return prompt.replace(/%/g, "%25").replace(/\./g, "%2E").replace(/^\$/, "%24");
}

/**
 * What one match changes for one learner. The rating moves by a difference (added to whatever
 * the rating is when it applies, so two results of one learner applied at once by two
 * processes both count); the streak is computed from the progress before it.
 */
export interface UserDelta {
  userId: string;
  name: string;
  xp: number;
  duels: number;
  wins: number;
  streak: number;
  lastPlayedDay: string;
  /** How much the rating in the match's language moves, when the match is rated. */
  ratingChange?: number;
  /** The learner had a rating in that language when the match was planned (ratings are never removed). */
  ratingKnown?: true;
  /** A plan stored before ratingChange: the new rating itself. */
  rating?: number;
  words: WordDelta[];
}

/** What one answer adds to a learner's word: its counts, and its review card after it (absent in plans stored before cards were kept). */
export interface WordDelta extends WordStat {
  key: string;
  card?: ReviewCard;
}

/** Everything a match changes, computed once and stored with the match so retries apply the same thing. */
export interface MatchPlan {
  matchId: string;
  lang: string;
  week: string;
  /** The league week the result counts for (absent in plans stored before leagues: then `week`). */
  leagueWeek?: string;
  practice: boolean;
  againstBot: boolean;
  users: UserDelta[];
}

/**
 * Why a result cannot be recorded as it is (a field missing or of the wrong type), or
 * undefined when it is well-formed. A malformed result is put aside (dead letters), never
 * retried: it would fail the same way every time.
 */
export function resultProblem(result: unknown): string | undefined {
  const r = result as Partial<MatchResult> | null;
  if (typeof r !== "object" || r === null) return "not an object";
  if (typeof r.matchId !== "string" || r.matchId === "") return "no matchId";
  if (typeof r.lang !== "string" || !/^[a-z]{2}$/.test(r.lang)) return "no language";
  if (typeof r.finishedAt !== "number" || !Number.isFinite(r.finishedAt)) return "no finishedAt";
  if (!Array.isArray(r.players)) return "no players";
  for (const p of r.players) {
    if (typeof p !== "object" || p === null || typeof p.userId !== "string" || p.userId === "" || typeof p.name !== "string") return "a player without an account";
    if (!Array.isArray(p.words) || p.words.some((w) => typeof w?.prompt !== "string")) return "a player without words";
    // A prompt becomes a field name in the store: a deck's text, never empty, a control character or an Object.prototype name.
    if (p.words.some((w) => !/^[^\u0000-\u001f\u007f]{1,200}$/.test(w.prompt) || w.prompt in Object.prototype)) return "a word that is not a deck prompt";
    if (p.words.some((w) => w.ms !== undefined && (typeof w.ms !== "number" || !(w.ms >= 0)))) return "an answer time that is not a time";
    if (p.xpCap !== undefined && (typeof p.xpCap !== "number" || !(p.xpCap >= 0))) return "an XP cap that is not a number of XP";
  }
  return undefined;
}

/**
 * Plans a result against the learners' progress before it. Total: it never throws on a
 * well-formed result ({@link resultProblem}), however odd. Ratings change only in
 * two-player duels between two different humans; practice, class games and bots leave them alone.
 * Forfeits earn no XP and keep no streak. An account that appears twice (one learner in
 * two seats) is counted once, by its best-placed line.
 */
export function planMatch(result: MatchResult, before: ReadonlyMap<string, Progress>, timeZones: ReadonlyMap<string, string>, leagueWeekOf: (epochMs: number) => string = isoWeek): MatchPlan {
  // Players come best placed first: the first line of an account is the one that counts.
  const seen = new Set<string>();
  const humans = result.players.filter((p) => !p.isBot && !seen.has(p.userId) && seen.add(p.userId));
  const rated = !result.practice && result.game === undefined && result.players.length === 2 && humans.length === 2;
  const users = humans.map((player): UserDelta => {
    const prev = before.get(player.userId) ?? emptyProgress(player.userId);
    const today = dayIn(result.finishedAt, timeZones.get(player.userId) ?? "UTC");
    const delta: UserDelta = {
      userId: player.userId,
      name: player.name,
      xp: xpFor(player, result),
      duels: result.practice ? 0 : 1,
      wins: !result.practice && player.won ? 1 : 0,
      streak: player.forfeited ? prev.streak : nextStreak(prev.streak, prev.lastPlayedDay, today),
      lastPlayedDay: player.forfeited ? prev.lastPlayedDay : today,
      words: wordDeltas(player.words ?? [], prev.reviews?.[result.lang] ?? {}, result.finishedAt),
    };
    const other = rated ? humans.find((p) => p.userId !== player.userId) : undefined;
    if (other) {
      const mine = prev.ratings[result.lang] ?? START_RATING;
      const theirs = before.get(other.userId)?.ratings[result.lang] ?? START_RATING;
      delta.ratingChange = eloUpdate(mine, theirs, player.won ? 1 : other.won ? 0 : 0.5) - mine;
      if (prev.ratings[result.lang] !== undefined) delta.ratingKnown = true;
    }
    return delta;
  });
  return { matchId: result.matchId, lang: result.lang, week: isoWeek(result.finishedAt), leagueWeek: leagueWeekOf(result.finishedAt), practice: result.practice, againstBot: humans.length < result.players.length, users };
}

/** Each answer's counts and review card, from the cards before (a word asked twice reviews twice). */
function wordDeltas(words: MatchResult["players"][number]["words"], cards: Record<string, ReviewCard>, at: number): WordDelta[] {
  const latest = new Map<string, ReviewCard>();
  return words.map((w) => {
    const key = wordKey(w.prompt);
    const card = review(latest.get(key) ?? own(cards, key), w.verdict, w.ms, at);
    latest.set(key, card);
    return { key, card, ...wordCounts(w) };
  });
}

/** The longest answer time counted (an hour): more is not an answer time (a hostile or broken result). */
export const MAX_ANSWER_MS = 3_600_000;

/** What one answer adds to a word's counts ({@link WordStat}). */
export function wordCounts(w: { verdict: string; reason?: string; ms?: number }): WordStat {
  const counts: WordStat = { seen: 1, missed: w.verdict === "correct" ? 0 : 1, almost: w.verdict === "almost" ? 1 : 0 };
  const reason = ALMOST_REASONS.find((r) => r === w.reason);
  if (w.verdict === "almost" && reason) counts[reason] = 1;
  if (typeof w.ms === "number" && w.ms >= 0 && w.ms <= MAX_ANSWER_MS) Object.assign(counts, { answered: 1, ms: Math.round(w.ms) });
  return counts;
}

/** The numeric fields of a word's counts, for adding ({@link addCounts}, and MongoDB's $inc). */
export const COUNT_FIELDS = ["seen", "missed", "almost", ...ALMOST_REASONS, "answered", "ms"] as const;

/** Adds counts to a word's stat, in place. */
export function addCounts(stat: WordStat, add: WordStat): void {
  for (const f of COUNT_FIELDS) if (add[f]) stat[f] = (stat[f] ?? 0) + add[f]!;
}

/** A record's own value for `key` (never one of Object.prototype's). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The running total of a word in `totals`, made when missing (an own property, whatever the key). */
export function totalOf(totals: Record<string, WordStat>, key: string): WordStat {
  if (!Object.hasOwn(totals, key)) Object.defineProperty(totals, key, { value: { seen: 0, missed: 0 }, enumerable: true, writable: true, configurable: true });
  return totals[key];
}

/** The league week a plan counts for. */
export function leagueWeekOfPlan(plan: Pick<MatchPlan, "week" | "leagueWeek">): string {
  return plan.leagueWeek ?? plan.week;
}

/** Applies one learner's delta to their progress (the in-memory store's way; MongoDB does the same with $inc/$set). */
export function applyDelta(progress: Progress, plan: MatchPlan, delta: UserDelta): Progress {
  const next: Progress = structuredClone(progress);
  next.xp += delta.xp;
  next.level = levelForXp(next.xp);
  next.xpByLang[plan.lang] = (next.xpByLang[plan.lang] ?? 0) + delta.xp;
  const week = (next.weekly[plan.week] ??= {});
  week.global = (week.global ?? 0) + delta.xp;
  week[plan.lang] = (week[plan.lang] ?? 0) + delta.xp;
  next.duels += delta.duels;
  next.wins += delta.wins;
  next.streak = delta.streak;
  // The later day wins (ISO days compare as strings): an older result applied late does not move it back.
  if (delta.lastPlayedDay > next.lastPlayedDay) next.lastPlayedDay = delta.lastPlayedDay;
  if (delta.ratingChange !== undefined) next.ratings[plan.lang] = (next.ratings[plan.lang] ?? START_RATING) + delta.ratingChange;
  else if (delta.rating !== undefined) next.ratings[plan.lang] = delta.rating;
  next.applied = [...next.applied, plan.matchId].slice(-APPLIED_MEMORY);
  const leagueWeek = leagueWeekOfPlan(plan);
  next.leagueXp = { ...next.leagueXp, [leagueWeek]: (next.leagueXp?.[leagueWeek] ?? 0) + delta.xp };
  next.boardVersion = (next.boardVersion ?? 0) + 1;
  const words = (next.words[plan.lang] ??= {});
  const cards = ((next.reviews ??= {})[plan.lang] ??= {});
  for (const w of delta.words) {
    addCounts(totalOf(words, w.key), w);
    if (w.card && isNewer(w.card, own(cards, w.key))) cards[w.key] = w.card;
  }
  return next;
}

/** Decodes a {@link wordKey}. */
export function wordFromKey(key: string): string {
  return key.replace(/%24/g, "$").replace(/%2E/g, ".").replace(/%25/g, "%");
}

/**
 * The words a learner misses most (by share of misses, then by count), for review.
 * @example wordsToReview(progress, 10) // [{ lang: "es", prompt: "mirror", seen: 3, missed: 3 }, …]
 */
export function wordsToReview(progress: Progress, count: number): { lang: string; prompt: string; seen: number; missed: number }[] {
  const all = Object.entries(progress.words).flatMap(([lang, words]) =>
    Object.entries(words).map(([key, stat]) => ({ lang, prompt: wordFromKey(key), ...stat })),
  );
  return all
    .filter((w) => w.missed > 0)
    .sort((a, b) => b.missed / b.seen - a.missed / a.seen || b.missed - a.missed || a.prompt.localeCompare(b.prompt))
    .slice(0, count);
}

/**
 * What a review practice in `lang` asks first: the words due at `now` (most overdue first),
 * then the words missed most, at most `count` prompts.
 * @example reviewPrompts(progress, "es", Date.now(), 50) // ["mirror", "knife", …]
 */
export function reviewPrompts(progress: Progress, lang: string, now: number, count: number): string[] {
  const due = dueWords(progress.reviews ?? {}, now, lang).map((w) => wordFromKey(w.key));
  const missed = wordsToReview({ ...progress, words: { [lang]: progress.words[lang] ?? {} } }, count).map((w) => w.prompt);
  return [...new Set([...due, ...missed])].slice(0, count);
}
