/**
 * The word-difficulty report, pure: per word of a language, from real play (every learner's
 * counts summed by the store), how often it was asked, answered wrong or not at all, almost
 * right and why, and the mean answer time; so a designer sees which words are too hard or
 * too easy. Every deck word has a row (never asked: `seen` 0).
 */
import type { RuleWord } from "../rooms/word-duel/duel.rules";
import { ALMOST_REASONS, wordFromKey, wordKey, type WordStat } from "./progress.rules";
import type { AlmostReason } from "../rooms/word-duel/messages";

/** One word's line. */
export interface WordReportRow {
  prompt: string;
  /** Its lesson and level ("" for a word no longer in the deck). */
  lessonId: string;
  level: string;
  seen: number;
  /** Answered right. */
  right: number;
  /** Almost right, and why. */
  almost: number;
  reasons: Record<AlmostReason, number>;
  /** Answered wrong, or not at all. */
  missed: number;
  /** Share of `seen` not answered right (0–1), null before it is asked. */
  missRate: number | null;
  /** Mean time to an answer (ms), null without answers. */
  meanMs: number | null;
}

export const REPORT_SORTS = ["hardest", "easiest", "seen", "slowest"] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];

/**
 * The report over a deck's words and the summed counts (by word key), sorted: `hardest` by
 * miss rate (then most seen), `easiest` the other way, `seen` most asked first, `slowest` by
 * mean answer time. Words never asked come last in every order.
 * @example wordReport(words, await store.wordTotals("es"), "hardest")[0] // { prompt: "mirror", missRate: 0.8, … }
 */
export function wordReport(words: readonly RuleWord[], totals: Readonly<Record<string, WordStat>>, sort: ReportSort = "hardest"): WordReportRow[] {
  const rows = new Map<string, WordReportRow>();
  const row = (prompt: string, lessonId: string, level: string, stat: WordStat | undefined): WordReportRow => {
    const s = stat ?? { seen: 0, missed: 0 };
    const almost = s.almost ?? 0;
    const reasons = Object.fromEntries(ALMOST_REASONS.map((r) => [r, s[r] ?? 0])) as Record<AlmostReason, number>;
    return {
      prompt, lessonId, level, seen: s.seen, right: s.seen - s.missed, almost, reasons, missed: s.missed - almost,
      missRate: s.seen > 0 ? s.missed / s.seen : null,
      meanMs: s.answered ? Math.round((s.ms ?? 0) / s.answered) : null,
    };
  };
  for (const w of words) {
    const key = wordKey(w.en[0]);
    if (!rows.has(key)) rows.set(key, row(w.en[0], w.lessonId, w.level, totals[key]));
  }
  for (const [key, stat] of Object.entries(totals)) if (!rows.has(key)) rows.set(key, row(wordFromKey(key), "", "", stat));
  const order: Record<ReportSort, (a: WordReportRow, b: WordReportRow) => number> = {
    hardest: (a, b) => b.missRate! - a.missRate! || b.seen - a.seen,
    easiest: (a, b) => a.missRate! - b.missRate! || b.seen - a.seen,
    seen: (a, b) => b.seen - a.seen,
    slowest: (a, b) => (b.meanMs ?? -1) - (a.meanMs ?? -1) || b.seen - a.seen,
  };
  const asked = [...rows.values()].filter((r) => r.seen > 0).sort((a, b) => order[sort](a, b) || a.prompt.localeCompare(b.prompt));
  const never = [...rows.values()].filter((r) => r.seen === 0).sort((a, b) => a.lessonId.localeCompare(b.lessonId) || a.prompt.localeCompare(b.prompt));
  return [...asked, ...never];
}
