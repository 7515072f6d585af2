/**
 * A simulated learner's answers: the answer key of every prompt (from the decks) and the pick
 * of a right or a wrong answer.
 */
import { LinguaLeapError } from "../client-sdk";
import type { DuelEvents } from "../client-sdk/DuelSession";
import { deckWords, loadDecks, type Deck, type TargetLang } from "../content/decks";
import type { Direction, LearnerOptions } from "./learner-options";

/** A typed answer no deck accepts (judged "wrong", never "almost"). */
const WRONG_TYPED = "qxzvw";

/** What the duel expects for one prompt: every accepted answer, the first being the right choice. */
interface AnswerKey {
  accepted: string[];
  right: string;
}

let decks: Map<TargetLang, Deck> | undefined;
const keys = new Map<string, Map<string, AnswerKey>>();

/**
 * The answer key of a prompt. In "en-target" the prompt is `en[0]` and the answers are
 * `target` (the right choice is `target[0]`); in "target-en" the reverse.
 * @example answerKeyFor("es", "en-target", "apple")?.right // "la manzana"
 */
export function answerKeyFor(lang: string, direction: Direction, prompt: string): AnswerKey | undefined {
  const id = `${lang}/${direction}`;
  let byPrompt = keys.get(id);
  if (!byPrompt) {
    decks ??= loadDecks();
    byPrompt = new Map();
    const deck = decks.get(lang as TargetLang);
    for (const w of deck ? deckWords(deck) : []) {
      const [ask, answer] = direction === "en-target" ? [w.en, w.target] : [w.target, w.en];
      if (!byPrompt.has(ask[0])) byPrompt.set(ask[0], { accepted: answer, right: answer[0] });
    }
    keys.set(id, byPrompt);
  }
  return byPrompt.get(prompt);
}

/** Loads the decks now, so the first round is not slowed by reading them. */
export function preloadAnswers(lang: string, direction: Direction): void {
  answerKeyFor(lang, direction, "");
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
  const key = answerKeyFor(lang, direction, r.prompt);
  if (!key) {
    count(new LinguaLeapError("LOADTEST_UNKNOWN_PROMPT", `no ${lang} word has the prompt "${r.prompt}" (${direction})`));
    return { text: r.choices[0] ?? WRONG_TYPED, right: false };
  }
  const wantRight = rng() < accuracy;
  if (mode === "typed") return wantRight ? { text: key.right, right: true } : { text: WRONG_TYPED, right: false };
  const correct = r.choices.find((c) => c === key.right);
  if (!correct) count(new LinguaLeapError("LOADTEST_NO_RIGHT_CHOICE", `"${key.right}" is not among the choices for "${r.prompt}"`));
  if (wantRight && correct) return { text: correct, right: true };
  const wrong = r.choices.filter((c) => c !== key.right);
  return { text: wrong[Math.floor(rng() * wrong.length)] ?? r.choices[0], right: false };
}
