/**
 * An offline practice as pure functions over a lesson's pack: which words are asked, how an
 * answer is judged and what it is worth, and the practice as it is sent. Judging is the
 * server's own (rooms/word-duel/duel.rules.ts: a typed question, then judgeAnswer), fed the
 * pack's rules, so the verdicts shown here are the ones the server finds again when the
 * practice is sent. Time and randomness come in as arguments.
 */
import type { LessonPack, OfflineAnswer, OfflinePractice } from "../../../client-sdk";
import { buildQuestion, pickWords, type DuelLangs, type Question, type Rng, type RuleWord } from "../../../rooms/word-duel/duel.rules";
import { MAX_ANSWER_MS, MIN_ANSWER_MS, rulesFromJson, typedVerdict } from "../../../rooms/word-duel/offline.rules";
import type { AlmostReason, Direction, Verdict } from "../../../rooms/word-duel/messages";

/** Words asked in one practice (fewer when the lesson has fewer). */
export const PRACTICE_WORDS = 10;

/** One word of a practice, its question built once. */
export interface PracticeWord {
  word: RuleWord;
  question: Question;
}

/** A judged answer. */
export interface Judged {
  verdict: Verdict;
  reason?: AlmostReason;
  /** XP the verdict is worth (before the server's daily cap). */
  xp: number;
}

/** Both languages of a pack, ready to judge. */
export function langsOf(pack: LessonPack): DuelLangs {
  return { en: rulesFromJson(pack.judging.en), target: rulesFromJson(pack.judging.target) };
}

/**
 * The words of one practice: up to {@link PRACTICE_WORDS} of the lesson, in a random order,
 * each asked in `direction` as a typed question.
 * @example practiceWords(pack, "en-target", Math.random) // [{ word, question: { prompt: "apple", … } }, …]
 */
export function practiceWords(pack: LessonPack, direction: Direction, rng: Rng, count = PRACTICE_WORDS): PracticeWord[] {
  const langs = langsOf(pack);
  const words: RuleWord[] = pack.words.map((w) => ({ ...w, lessonId: pack.id, level: pack.level }));
  return pickWords(words, Math.min(count, words.length), rng).map((word) => ({ word, question: buildQuestion(word, [], "typed", direction, langs, rng) }));
}

/**
 * Judges a typed answer as the server will: nothing typed is "no answer"; an almost earns
 * the pack's almost XP, a correct answer its correct XP.
 * @example judge(question, "la manzana", pack.xp) // { verdict: "correct", xp: 10 }
 */
export function judge(question: Question, input: string, xp: LessonPack["xp"]): Judged {
  const judged = typedVerdict(question, input);
  return { ...judged, xp: judged.verdict === "correct" ? xp.correct : judged.verdict === "almost" ? xp.almost : 0 };
}

/**
 * How long an answer took, as sent: a word shown longer than the server allows ran out of
 * time and counts as no answer (`timedOut`), at the longest time allowed.
 * @example answerTime(1_000, 4_200) // { ms: 3200, timedOut: false }
 */
export function answerTime(shownAt: number, now: number): { ms: number; timedOut: boolean } {
  const ms = Math.max(0, Math.round(now - shownAt));
  return ms > MAX_ANSWER_MS ? { ms: MAX_ANSWER_MS, timedOut: true } : { ms, timedOut: false };
}

/**
 * How long to hold a typed answer before taking it: a paste or an autofill can beat the
 * quickest typist, and the server refuses an answer faster than {@link MIN_ANSWER_MS}.
 * @example holdFor("gato", 120) // 130
 */
export function holdFor(input: string, elapsedMs: number): number {
  return input.trim() === "" ? 0 : Math.max(0, MIN_ANSWER_MS - elapsedMs);
}

/** The XP a practice's answers are worth on this device. */
export function totalXp(judged: readonly Pick<Judged, "xp">[]): number {
  return judged.reduce((sum, j) => sum + j.xp, 0);
}

/** The answer as sent: the word's first English form, whichever way it was asked. */
export function answerOf(word: PracticeWord, input: string, ms: number): OfflineAnswer {
  return { prompt: word.word.en[0], answer: input.trim(), ms };
}

/**
 * The practice as sent, once it ends: its id, lesson, direction, times and answers, in the order played.
 * @example practiceOf(newPracticeId(), pack, "en-target", startedAt, Date.now(), answers)
 */
export function practiceOf(id: string, pack: Pick<LessonPack, "id">, direction: Direction, startedAt: number, finishedAt: number, answers: OfflineAnswer[]): OfflinePractice {
  return { id, lessonId: pack.id, direction, startedAt, finishedAt: Math.max(finishedAt, startedAt), answers };
}
