import type { DuelJoinOptions } from "./messages";
import { buildQuestion, pickForReview, type Question, type RuleWord } from "./duel.rules";
import type { DuelServices } from "./services";

/** A duel's questions, one per round: the words are chosen up front, each question made when its round opens. */
export interface DuelQuestions {
  readonly length: number;
  /** Round `round`'s question (1-based), the same object for as long as it is the latest asked. */
  at(round: number): Question;
}

/** No questions yet (a review practice chooses them when its learner joins). */
export const NO_QUESTIONS: DuelQuestions = {
  length: 0,
  at: (round) => {
    throw new RangeError(`a duel without questions has no round ${round}`);
  },
};

/**
 * The questions of a new duel: `rounds` words of the lesson (or the whole language), the
 * learner's due words, then most missed, first in a review practice (`reviewFor`), each made into a
 * question for the mode and direction when its round opens. A waiting duel holds ten deck
 * words, not ten questions with their choices and judging keys (about 4 KB a room).
 */
export async function duelQuestions(services: DuelServices, options: DuelJoinOptions, reviewFor?: string): Promise<DuelQuestions> {
  const { lang, lessonId } = options;
  const wanted = reviewFor ? await services.reviewPrompts(reviewFor, lang) : [];
  return questionsFrom(services, services.words(lang, lessonId)!, options, services.timing.rounds, wanted);
}

/**
 * `rounds` questions drawn from `words` (those named in `wanted` first), each made for the
 * mode and direction when its round opens: a duel's, or a class game's from its lessons.
 */
export function questionsFrom(services: Pick<DuelServices, "pool" | "judging" | "rng">, words: readonly RuleWord[], options: Pick<DuelJoinOptions, "lang" | "mode" | "direction">, rounds: number, wanted: readonly string[] = []): DuelQuestions {
  const { lang, mode, direction } = options;
  const { rng } = services;
  const pool = services.pool(lang);
  const langs = services.judging(lang)!;
  const picked = pickForReview(words, wanted, rounds, rng);
  let latest: { round: number; question: Question } | undefined;
  return {
    length: picked.length,
    at(round) {
      const word = picked[round - 1];
      if (!word) throw new RangeError(`round ${round} of a game of ${picked.length}`);
      if (latest?.round !== round) latest = { round, question: buildQuestion(word, pool, mode, direction, langs, rng) };
      return latest.question;
    },
  };
}
