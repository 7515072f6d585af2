/**
 * Offline practice's judging, pure and shared: the browser judges a practice with it on the
 * device, and the server judges it again with it when the practice arrives (server/offline.rules.ts),
 * so both find the same verdicts and hold answers to the same times.
 */
import { judgeAnswer, type Question } from "./duel.rules";
import type { LangRules } from "./judge.rules";
import type { AlmostReason, Verdict } from "./messages";

/** How answers in one language are judged, as JSON (a lesson pack's; `words` as a list). */
export type LangRulesJson = Omit<LangRules, "words"> & { words?: string[] };

/** No one reads a word and types its translation faster than this (ms), unless they typed nothing. */
export const MIN_ANSWER_MS = 250;
/** A word shown longer than this is not being practised (ms): it ran out of time. */
export const MAX_ANSWER_MS = 5 * 60_000;

/**
 * The rules a pack carries, ready for the judge (its word list made a set).
 * @example rulesFromJson(pack.judging.target)
 */
export function rulesFromJson(json: LangRulesJson): LangRules {
  const { words, ...rules } = json;
  return words ? { ...rules, words: new Set(words) } : rules;
}

/**
 * A typed practice answer's verdict: nothing typed is no answer ("none"), else the judge's.
 * @example typedVerdict(buildQuestion(word, [], "typed", "en-target", langs, rng), "la manzana") // { verdict: "correct" }
 */
export function typedVerdict(question: Question, input: string): { verdict: Verdict; reason?: AlmostReason } {
  if (input.trim() === "") return { verdict: "none" };
  const judged = judgeAnswer(question, input);
  if (judged.verdict === "almost") return { verdict: "almost", reason: judged.reason };
  return { verdict: judged.verdict === "correct" ? "correct" : "wrong" };
}
