/**
 * A simulated learner's answers: the right one from the decks, or a wrong one.
 */
import { LinguaLeapError } from "../../client-sdk";
import type { DuelEvents } from "../../client-sdk/DuelSession";
import { answersFor, loadDecks, type Deck, type TargetLang } from "../../content/decks";
import type { Direction, LearnerOptions } from "./options";

/** A typed answer no deck accepts (judged "wrong", never "almost"). */
const WRONG_TYPED = "qxzvw";

let decks: Map<TargetLang, Deck> | undefined;

/** The accepted answers of a prompt in the learner's language and direction (content/decks.ts, indexed once per deck). */
export function acceptedAnswers(lang: string, direction: Direction, prompt: string): string[] | undefined {
  decks ??= loadDecks();
  const deck = decks.get(lang as TargetLang);
  return deck && answersFor(deck, prompt, direction);
}

/** Loads the decks now, so the first round is not slowed by reading them. */
export function preloadAnswers(): void {
  decks ??= loadDecks();
}

/**
 * The right answer with probability `accuracy`, else a wrong one. A prompt no deck knows, or
 * a right answer missing from the choices, goes to `count`.
 */
export function pickAnswer(
  r: DuelEvents["round"],
  opts: Pick<LearnerOptions, "lang" | "direction" | "mode" | "accuracy">,
  rng: () => number,
  count: (err: LinguaLeapError) => void,
): { text: string; right: boolean } {
  const { lang, direction, mode, accuracy } = opts;
  const accepted = acceptedAnswers(lang, direction, r.prompt);
  if (!accepted) {
    count(new LinguaLeapError("LOADTEST_UNKNOWN_PROMPT", `no ${lang} word has the prompt "${r.prompt}" (${direction})`));
    return { text: r.choices[0] ?? WRONG_TYPED, right: false };
  }
  const wantRight = rng() < accuracy;
  const right = accepted[0];
  if (mode === "typed") return wantRight ? { text: right, right: true } : { text: WRONG_TYPED, right: false };
  const correct = r.choices.find((c) => c === right);
  if (!correct) count(new LinguaLeapError("LOADTEST_NO_RIGHT_CHOICE", `"${right}" is not among the choices for "${r.prompt}"`));
  if (wantRight && correct) return { text: correct, right: true };
  const wrong = r.choices.filter((c) => c !== right);
  return { text: wrong[Math.floor(rng() * wrong.length)] ?? r.choices[0], right: false };
}
