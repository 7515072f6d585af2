/**
 * Spaced repetition, pure: every judged answer is a review of that word for that learner,
 * scheduled by FSRS (ts-fsrs, the open Free Spaced Repetition Scheduler). A wrong or missing
 * answer rates "again", an almost "hard", a right one "good", or "easy" when it came within
 * {@link EASY_MS}. A word comes back when its card is due; "Review" practises due words
 * first. Cards are stored per learner, language and word key (progress.rules.ts), written
 * exactly once with the result they come from.
 */
import { Rating, createEmptyCard, fsrs, generatorParameters, type Card, type Grade } from "ts-fsrs";
import type { Verdict } from "../rooms/word-duel/messages";

/** A right answer within this many ms is "easy". */
export const EASY_MS = 3000;

/** One word's FSRS card as stored: plain numbers (epoch ms for times), small in a document. */
export interface ReviewCard {
  /** When the word is due again (epoch ms). */
  due: number;
  stability: number;
  difficulty: number;
  reps: number;
  lapses: number;
  /** FSRS state: 0 new, 1 learning, 2 review, 3 relearning. */
  state: number;
  /** Learning step reached (ts-fsrs `learning_steps`). */
  step: number;
  /** Days scheduled at the last review. */
  scheduled: number;
  /** The last review (epoch ms). */
  last: number;
}

// No fuzz: the same answers at the same time schedule the same (a plan is worked out once, but tests and retries read better).
const scheduler = fsrs(generatorParameters({ enable_fuzz: false }));

/**
 * The FSRS grade of an answer.
 * @example ratingFor("correct", 1200) // Rating.Easy
 */
export function ratingFor(verdict: Verdict, ms: number | undefined): Grade {
  if (verdict === "correct") return typeof ms === "number" && ms >= 0 && ms < EASY_MS ? Rating.Easy : Rating.Good;
  if (verdict === "almost") return Rating.Hard;
  return Rating.Again;
}

function toCard(c: ReviewCard): Card {
  return {
    due: new Date(c.due),
    stability: c.stability,
    difficulty: c.difficulty,
    elapsed_days: 0,
    scheduled_days: c.scheduled,
    learning_steps: c.step,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state,
    last_review: new Date(c.last),
  };
}

/**
 * A word's card after one answer at `at` (epoch ms); a word never seen starts from a new card.
 * @example review(undefined, "wrong", undefined, Date.now()).due // a few minutes from now
 */
export function review(card: ReviewCard | undefined, verdict: Verdict, ms: number | undefined, at: number): ReviewCard {
  // An answer older than the card's last review (a result recorded late, after a newer one)
  // does not move the schedule back: the newer review already knows more.
  if (card && at < card.last) return card;
  const now = new Date(at);
  const next = scheduler.next(card ? toCard(card) : createEmptyCard(now), now, ratingFor(verdict, ms)).card;
  return {
    due: next.due.getTime(),
    stability: next.stability,
    difficulty: next.difficulty,
    reps: next.reps,
    lapses: next.lapses,
    state: next.state,
    step: next.learning_steps,
    scheduled: next.scheduled_days,
    last: at,
  };
}

/** True when `card` should replace `stored`: there is none yet, or it comes from a later review (a late or replayed plan never moves a card back). */
export function isNewer(card: ReviewCard, stored: ReviewCard | undefined): boolean {
  return stored === undefined || stored.last < card.last;
}

/** A learner's cards: per language, per word key. */
export type ReviewCards = Record<string, Record<string, ReviewCard>>;

/**
 * Words due at `now`, most overdue first (keys as stored), in one language or all.
 * @example dueWords(progress.reviews, Date.now(), "es") // [{ lang: "es", key: "mirror", due: … }, …]
 */
export function dueWords(cards: ReviewCards, now: number, lang?: string): { lang: string; key: string; due: number }[] {
  const langs = lang === undefined ? Object.keys(cards) : [lang];
  return langs
    .flatMap((l) => Object.entries(cards[l] ?? {}).map(([key, c]) => ({ lang: l, key, due: c.due })))
    .filter((w) => w.due <= now)
    .sort((a, b) => a.due - b.due || a.key.localeCompare(b.key));
}

/**
 * How many words are due at `now`, in all and per language (languages with none left out).
 * @example dueCount(progress.reviews, Date.now()) // { total: 3, byLang: { es: 3 } }
 */
export function dueCount(cards: ReviewCards, now: number): { total: number; byLang: Record<string, number> } {
  const byLang: Record<string, number> = {};
  let total = 0;
  for (const w of dueWords(cards, now)) {
    byLang[w.lang] = (byLang[w.lang] ?? 0) + 1;
    total += 1;
  }
  return { total, byLang };
}
