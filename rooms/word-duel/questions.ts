import type { DuelJoinOptions } from "./messages";
import { buildQuestion, pickForReview, type Question } from "./duel.rules";
import type { DuelServices } from "./services";

/**
 * The questions of a new duel: `rounds` words of the lesson (or the whole language), the
 * learner's most missed words first in a review practice (`reviewFor`), each made into a
 * question for the mode and direction.
 */
export async function duelQuestions(services: DuelServices, options: DuelJoinOptions, reviewFor?: string): Promise<Question[]> {
  const { lang, mode, direction, lessonId } = options;
  const { rng } = services;
  const pool = services.pool(lang);
  const langs = services.judging(lang)!;
  const missed = reviewFor ? await services.missedPrompts(reviewFor, lang) : [];
  const picked = pickForReview(services.words(lang, lessonId)!, missed, services.timing.rounds, rng);
  return picked.map((w) => buildQuestion(w, pool, mode, direction, langs, rng));
}
