/**
 * Offline practice, pure: what a device needs to practise a lesson without the network (its
 * pack), and how the server checks a practice the device sends back. The device judges with
 * the server's own judge (rooms/word-duel/duel.rules.ts); the server judges every answer
 * again and only its verdicts count.
 */
import { buildQuestion, type DuelLangs, type RuleWord } from "../rooms/word-duel/duel.rules";
import { MAX_ANSWER_MS, MIN_ANSWER_MS, typedVerdict, type LangRulesJson } from "../rooms/word-duel/offline.rules";
import { foldAccents, wordsOf, normalize, withinOneEdit, type LangRules } from "../rooms/word-duel/judge.rules";
import type { Direction } from "../rooms/word-duel/messages";
import type { MatchPlayer, MatchResult } from "../rooms/shared/match-result";
import { XP, xpFor } from "../rooms/word-duel/worth.rules";
import { echo } from "./errors";

/**
 * GET /api/lessons/:id/pack: all a device needs to practise a lesson offline, judged by the
 * server's own judge (rooms/word-duel/duel.rules.ts `buildQuestion` + `judgeAnswer`).
 */
export interface LessonPack {
  id: string;
  title: string;
  level: string;
  lang: string;
  /** Changes whenever the lesson's words or the judge's rules do: a device keeps the newest. */
  version: string;
  /** The lesson's words: English forms (`en`) and the language's (`target`), first form first. */
  words: { en: string[]; target: string[]; senses?: string[] }[];
  /** The judge's rules for English and for the lesson's language. */
  judging: { en: LangRulesJson; target: LangRulesJson };
  /** XP per verdict of an offline practice, and the most offline practice earns in one UTC day. */
  xp: { correct: number; almost: number; dailyCap: number };
}

/** One answered word of an offline practice. */
export interface OfflineAnswer {
  /** The word's first English form (the pack's `en[0]`), whichever way it was asked. */
  prompt: string;
  /** What the learner typed ("" when the time ran out). */
  answer: string;
  /** How long the answer took, ms from the word being shown. */
  ms: number;
}

/** POST /api/practice/offline: a practice played without the network, sent when it is back. */
export interface OfflinePractice {
  /** Made on the device (a v4 UUID): the practice is recorded once by it, however often it is sent. */
  id: string;
  lessonId: string;
  direction: Direction;
  /** When the practice started and ended on the device (epoch ms). */
  startedAt: number;
  finishedAt: number;
  answers: OfflineAnswer[];
}

/** The bounds an offline practice is checked against (config: OFFLINE_*). */
export interface OfflineLimits {
  /** The most XP offline practice earns per learner and day (UTC day of `finishedAt`). */
  xpPerDay: number;
  /** The most offline practices recorded per learner and day. */
  practicesPerDay: number;
  /** How old a practice may be when it arrives (ms). */
  maxAgeMs: number;
}

/** Device clocks drift: a practice may end this far in the server's future. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** One practice lasts at most this long, start to end (ms). */
export const MAX_PRACTICE_MS = 3 * 60 * 60_000;

/** Why a practice is refused, with the sentence the API answers (the codes are in server/errors.ts). */
export type OfflineRefusal = { code: "OFFLINE_UNKNOWN_LESSON" | "OFFLINE_UNKNOWN_WORD" | "OFFLINE_REPEATED_WORD" | "OFFLINE_IMPLAUSIBLE" | "OFFLINE_TOO_OLD" | "OFFLINE_IN_FUTURE"; message: string };

/** A checked practice: the server's verdict on each answer. */
export interface CheckedPractice {
  ok: true;
  words: MatchPlayer["words"];
}

/** The lesson a practice is of: its words, and how its language is judged. */
export interface OfflineLesson {
  id: string;
  lang: string;
  words: readonly RuleWord[];
  langs: DuelLangs;
}

/**
 * Checks a practice a device sends (already well-formed: ids, bounds and types are checked at
 * the edge) against its lesson and the clock, and judges every answer again.
 * @example checkPractice(practice, lesson, Date.now(), limits) // { ok: true, words, xp } or { ok: false, code, message }
 */
export function checkPractice(practice: OfflinePractice, lesson: OfflineLesson | undefined, now: number, limits: Pick<OfflineLimits, "maxAgeMs">): CheckedPractice | ({ ok: false } & OfflineRefusal) {
  const refuse = (code: OfflineRefusal["code"], message: string) => ({ ok: false as const, code, message });
  if (!lesson) return refuse("OFFLINE_UNKNOWN_LESSON", `no lesson ${echo(practice.lessonId)}: it may have been removed since it was kept on the device`);
  const { startedAt, finishedAt, answers } = practice;
  if (finishedAt > now + CLOCK_SKEW_MS) return refuse("OFFLINE_IN_FUTURE", "the practice ends in the future: check the device's clock");
  if (finishedAt < now - limits.maxAgeMs) return refuse("OFFLINE_TOO_OLD", `the practice is more than ${Math.round(limits.maxAgeMs / 86_400_000)} days old`);
  if (answers.length === 0 || answers.length > lesson.words.length) return refuse("OFFLINE_IMPLAUSIBLE", `a practice of this lesson answers 1 to ${lesson.words.length} words`);
  const spent = answers.reduce((sum, a) => sum + a.ms, 0);
  if (finishedAt < startedAt || finishedAt - startedAt > MAX_PRACTICE_MS) return refuse("OFFLINE_IMPLAUSIBLE", "the practice's start and end do not make a practice");
  // The answers' times must fit between start and end (a second of slack for the device's rounding).
  if (spent > finishedAt - startedAt + 1000) return refuse("OFFLINE_IMPLAUSIBLE", "the answers took longer than the practice");
  const byPrompt = new Map(lesson.words.map((w) => [w.en[0], w]));
  const seen = new Set<string>();
  const words: MatchPlayer["words"] = [];
  for (const answer of answers) {
    const word = byPrompt.get(answer.prompt);
    if (!word) return refuse("OFFLINE_UNKNOWN_WORD", `"${answer.prompt}" is not a word of lesson ${lesson.id}`);
    if (seen.has(answer.prompt)) return refuse("OFFLINE_REPEATED_WORD", `"${answer.prompt}" is answered twice`);
    seen.add(answer.prompt);
    const typed = answer.answer.trim() !== "";
    if (answer.ms > MAX_ANSWER_MS || (typed && answer.ms < MIN_ANSWER_MS)) return refuse("OFFLINE_IMPLAUSIBLE", `an answer time of ${answer.ms} ms is not a person's`);
    words.push({ prompt: answer.prompt, ...judgeOffline(word, practice.direction, lesson.langs, answer.answer), ...(typed ? { ms: answer.ms } : {}) });
  }
  return { ok: true, words };
}

/** One answer judged as a typed practice judges it (an empty answer is no answer). */
export function judgeOffline(word: RuleWord, direction: Direction, langs: DuelLangs, input: string): Pick<MatchPlayer["words"][number], "verdict" | "reason"> {
  // A typed question's judging does not draw on chance: no distractors are picked.
  return typedVerdict(buildQuestion(word, [], "typed", direction, langs, Math.random), input);
}

/**
 * The result an accepted practice is recorded as, exactly once by its matchId (the device's
 * id, under the learner's: one learner's id never touches another's).
 */
export function offlineResult(practice: OfflinePractice, user: { id: string; name: string }, lang: string, checked: CheckedPractice, xpCap?: number): MatchResult {
  const correct = checked.words.filter((w) => w.verdict === "correct").length;
  const player: MatchPlayer = { userId: user.id, name: user.name, score: correct, placement: 1, won: false, forfeited: false, isBot: false, words: checked.words, ...(xpCap === undefined ? {} : { xpCap }) };
  return { matchId: offlineMatchId(user.id, practice.id), lang, mode: "typed", practice: true, finishedAt: practice.finishedAt, players: [player] };
}

/**
 * The matchId an offline practice is recorded under: the learner's, then the device's id.
 * @example offlineMatchId("u1", "0B6F…") // "offline:u1:0b6f…"
 */
export function offlineMatchId(userId: string, id: string): string {
  return `offline:${userId}:${id.toLowerCase()}`;
}

/** The XP an offline practice's result earns (after its cap, when it has one). */
export function xpOf(result: MatchResult): number {
  return xpFor(result.players[0], result);
}

/** The UTC day (YYYY-MM-DD) a practice's XP counts against. */
export function capDay(finishedAt: number): string {
  return new Date(finishedAt).toISOString().slice(0, 10);
}

/**
 * A lesson's pack: its words, and the judge's rules with the real words the judge may need for
 * them (those within an accent or one typo of a word of an answer), so a device judges as the
 * server does without the whole lexicon.
 */
export function lessonPack(lesson: OfflineLesson & { title: string; level: string }, version: string, limits: Pick<OfflineLimits, "xpPerDay">): LessonPack {
  const en = lesson.words.flatMap((w) => w.en);
  const target = lesson.words.flatMap((w) => w.target);
  return {
    id: lesson.id,
    title: lesson.title,
    level: lesson.level,
    lang: lesson.lang,
    version,
    words: lesson.words.map((w) => ({ en: [...w.en], target: [...w.target], ...(w.senses ? { senses: [...w.senses] } : {}) })),
    judging: { en: rulesJson(lesson.langs.en, en), target: rulesJson(lesson.langs.target, target) },
    xp: { correct: XP.practice.correct, almost: XP.practice.almost, dailyCap: limits.xpPerDay },
  };
}

/**
 * A language's judging rules as JSON, with only the real words the judge may look up for
 * slips of `answers`: those an accent or one edit away from a word of an answer or from a
 * whole answer (with or without its spaces: "goodnight" for "good night") or from two of its
 * words run together, and the parts of
 * an answer's word (a space slipped in: "good night" for "goodnight").
 */
export function rulesJson(rules: LangRules, answers: readonly string[]): LangRulesJson {
  const { lang, articles, agreement, articleSenses, pronouns, contractions, spellings } = rules;
  const json: LangRulesJson = { lang, articles: [...articles], spellings: { ...spellings } };
  if (agreement) json.agreement = agreement.map((g) => [...g]);
  if (articleSenses) json.articleSenses = [...articleSenses];
  if (pronouns) json.pronouns = { ...pronouns };
  if (contractions) json.contractions = { ...contractions };
  if (rules.words) {
    const texts = answers.map((a) => foldAccents(normalize(a)));
    const words = [...new Set(texts.flatMap(wordsOf))];
    // Two neighbouring words run together are one slip too ("cuáles" for "cuál es").
    const joined = texts.flatMap((t) => {
      const ws = wordsOf(t);
      return ws.slice(1).map((w, i) => ws[i] + w);
    });
    const near = new Set([...words, ...texts, ...texts.map((t) => t.replace(/\s+/g, "")), ...joined]);
    // One edit changes a length by at most one: compare each word with those of its length ±1 only.
    const byLength = new Map<number, string[]>();
    for (const n of near) byLength.set(n.length, [...(byLength.get(n.length) ?? []), n]);
    const isNear = (w: string) => near.has(w) || [w.length - 1, w.length, w.length + 1].some((len) => byLength.get(len)?.some((n) => withinOneEdit(n, w)));
    const isPart = (w: string) => words.some((a) => a.length > w.length && a.includes(w));
    json.words = [...rules.words].filter((w) => {
      const folded = foldAccents(w);
      return isNear(folded) || isPart(folded);
    });
  }
  return json;
}
