/**
 * The rules of a word duel as pure functions over plain data: which words are asked, the
 * choices shown, how an answer is judged and scored, and who wins. No Colyseus, no I/O;
 * time (`now`, elapsed ms) and randomness (`rng`) come in as arguments.
 */
import { answerKey, answerKeys, foldAccents, judgeKeys, normalize, type AnswerKey, type Judgement, type LangRules } from "./judge.rules";
import type { AlmostReason, Direction, Mode, Standing, Verdict } from "./messages";

export * from "./judge.rules";
export type { Direction, Mode, Verdict };

/** A random source in [0, 1), like Math.random. Tests pass a seeded one. */
export type Rng = () => number;

/**
 * The two languages of a duel's words, each with the rules its answers are judged by.
 * @example const langs: DuelLangs = { en: loadEnglish(), target: decks.get("es")! }; // content/decks.ts
 */
export interface DuelLangs {
  /** English, every deck's source language (content/english.json). */
  en: LangRules;
  /** The deck's language (content/decks/<lang>.json). */
  target: LangRules;
}

/** A word as the rules see it (decks add lesson and level). */
export interface RuleWord {
  en: readonly string[];
  target: readonly string[];
  /** Sense groups: words sharing one can mean the same though no form is shared (content/decks.ts). */
  senses?: readonly string[];
  lessonId: string;
  level: string;
}

/** One round's question: what is shown and, privately, what is accepted. */
export interface Question {
  prompt: string;
  /** Four options in choice mode, empty in typed mode. */
  choices: string[];
  /** Accepted answers: never sent to clients before the reveal. */
  accepted: string[];
  /** The answer shown at the reveal. */
  reveal: string;
  /** The code of the language the answers are written in ("en" in target-en). */
  answerLang: string;
  /** How answers in that language are judged. */
  answerRules: LangRules;
  /** `accepted`, prepared for judging once (typed mode). */
  keys: AnswerKey[];
  /** `choices` as the judge compares them (choice mode). */
  choiceKeys: string[];
  /** The word's English form, whatever the direction: its key in a learner's word stats. */
  english: string;
}


/** Points for an answer at the very start of the round. */
export const MAX_POINTS = 1000;
/** Share of the points an "almost" answer (missing accent or one typo) earns. */
export const ALMOST_CREDIT = 0.5;
/** Bonus per consecutive right round after the first, and the most it can add. */
export const STREAK_STEP = 100;
export const STREAK_BONUS_CAP = 500;
/** Options shown in choice mode. */
export const CHOICE_COUNT = 4;

/**
 * Picks `count` distinct words at random (all of them, shuffled, when there are fewer).
 * @example pickWords(words, 10, Math.random)
 */
export function pickWords<T>(pool: readonly T[], count: number, rng: Rng): T[] {
  const picked: T[] = [];
  if (count <= 0) return picked;
  for (const item of drawn(pool.slice(), rng)) if (picked.push(item) === count) break;
  return picked;
}

function sides(direction: Direction): { ask: "en" | "target"; answer: "en" | "target" } {
  return direction === "en-target" ? { ask: "en", answer: "target" } : { ask: "target", answer: "en" };
}

/** What a word can mean, as compared for choices: its forms on each side with case, accents, articles and hints folded away, and its sense groups. */
interface Meanings {
  en: Set<string>;
  target: Set<string>;
  senses: readonly string[];
}

/** Each word's meanings, made once (a deck word is judged by its own deck's rules all its life). */
const meaningsOf = new WeakMap<RuleWord, Meanings>();

function meanings(word: RuleWord, langs: DuelLangs): Meanings {
  let found = meaningsOf.get(word);
  if (!found) {
    const fold = (forms: readonly string[], rules: LangRules) => new Set(forms.map((f) => foldAccents(answerKey(f, rules))));
    found = { en: fold(word.en, langs.en), target: fold(word.target, langs.target), senses: word.senses ?? [] };
    meaningsOf.set(word, found);
  }
  return found;
}

/**
 * Why two words may both be right for one prompt, or undefined when they share no meaning:
 * a form in common on either side (after folding case, accents, articles and hints: "der
 * Mann" is a husband and a man), or a sense group in common (content/decks.ts `senses`).
 * @example sharedMeaning(man, husband, { en: english, target: german }) // 'both "der mann"'
 */
export function sharedMeaning(a: RuleWord, b: RuleWord, langs: DuelLangs): string | undefined {
  const ma = meanings(a, langs);
  const mb = meanings(b, langs);
  for (const side of ["en", "target"] as const) {
    const common = [...ma[side]].find((f) => mb[side].has(f));
    if (common !== undefined) return `both "${common}"`;
  }
  const sense = ma.senses.find((s) => mb.senses.includes(s));
  return sense === undefined ? undefined : `both in sense group "${sense}"`;
}

/**
 * Distractors for a choice question: other words' displays that share no meaning with this
 * word ({@link sharedMeaning}, so no option is a second right answer) and none with each
 * other, preferring the same lesson, then the same level; never two equal options.
 * Candidates are drawn at random one at a time (a Fisher–Yates that stops once three fit),
 * not by shuffling every word of the level: a duel builds ten of these when it is created.
 */
export function pickDistractors(word: RuleWord, pool: readonly RuleWord[], direction: Direction, langs: DuelLangs, rng: Rng): string[] {
  const { answer } = sides(direction);
  // Sharing no meaning with the word or a picked one also means no option shown twice: a
  // display is one of its word's forms.
  const picked: RuleWord[] = [];
  const { byLesson, byLevel } = groupsOf(pool);
  const tiers = [byLesson.get(word.lessonId) ?? [], byLevel.get(word.level) ?? []];
  for (const [tier, words] of tiers.entries()) {
    for (const candidate of drawn(words.slice(), rng)) {
      if (picked.length === CHOICE_COUNT - 1) break;
      // The level's words include the lesson's, already drawn from.
      if (candidate === word || (tier === 1 && candidate.lessonId === word.lessonId)) continue;
      if ([word, ...picked].some((w) => sharedMeaning(w, candidate, langs) !== undefined)) continue;
      picked.push(candidate);
    }
  }
  return picked.map((w) => w[answer][0]);
}

/** A pool's words by lesson and by level, made once per pool (the decks' pools live as long as the process). */
const groups = new WeakMap<readonly RuleWord[], { byLesson: Map<string, RuleWord[]>; byLevel: Map<RuleWord["level"], RuleWord[]> }>();

function groupsOf(pool: readonly RuleWord[]): { byLesson: Map<string, RuleWord[]>; byLevel: Map<RuleWord["level"], RuleWord[]> } {
  let found = groups.get(pool);
  if (!found) {
    found = { byLesson: new Map(), byLevel: new Map() };
    for (const w of pool) {
      if (!found.byLesson.has(w.lessonId)) found.byLesson.set(w.lessonId, []);
      if (!found.byLevel.has(w.level)) found.byLevel.set(w.level, []);
      found.byLesson.get(w.lessonId)!.push(w);
      found.byLevel.get(w.level)!.push(w);
    }
    groups.set(pool, found);
  }
  return found;
}

/** The items in random order, one draw at a time (shuffling `items` in place as it goes). */
function* drawn<T>(items: T[], rng: Rng): Generator<T> {
  for (let i = 0; i < items.length; i++) {
    const j = i + Math.floor(rng() * (items.length - i));
    [items[i], items[j]] = [items[j], items[i]];
    yield items[i];
  }
}

/**
 * Builds one round's question for a word.
 * @example buildQuestion(word, pool, "choice", "en-target", { en: english, target: spanish }, Math.random)
 */
export function buildQuestion(word: RuleWord, pool: readonly RuleWord[], mode: Mode, direction: Direction, langs: DuelLangs, rng: Rng): Question {
  const { ask, answer } = sides(direction);
  const reveal = word[answer][0];
  const answerRules = langs[answer === "en" ? "en" : "target"];
  const question: Question = {
    prompt: word[ask][0],
    choices: [],
    accepted: word[answer].slice(),
    reveal,
    answerLang: answerRules.lang,
    answerRules,
    keys: [],
    choiceKeys: [],
    english: word.en[0],
  };
  if (mode === "choice") {
    question.choices = pickWords([reveal, ...pickDistractors(word, pool, direction, langs, rng)], CHOICE_COUNT, rng);
    question.choiceKeys = question.choices.map(normalize);
  } else question.keys = answerKeys(question.accepted, answerRules, answer === "target" ? word.en : []);
  return question;
}

/**
 * Judges an answer to a question. In choice mode the answer must be one of the options
 * (`invalid` otherwise, which costs the player nothing); in typed mode see {@link judgeKeys} (the rules of judge.rules.ts).
 */
export function judgeAnswer(question: Question, input: string): Judgement | { verdict: "invalid" } {
  if (question.choices.length === 0) return judgeKeys(input, question.keys, question.answerRules);
  const given = normalize(input);
  const index = question.choiceKeys.indexOf(given);
  if (index < 0) return { verdict: "invalid" };
  return question.choices[index] === question.reveal ? { verdict: "correct" } : { verdict: "wrong" };
}

/** Points and new streak for one round. */
export interface RoundScore {
  points: number;
  streak: number;
}

/**
 * Kahoot-like score: a right answer earns round(1000 × (1 − (t/T)/2)) — 1000 at once, 500 at
 * the deadline — and "almost" half of that; then a streak bonus of 100 per consecutive right
 * round after the first, at most 500. Wrong, late or no answer: 0 and the streak resets.
 * @param elapsedMs time from the round's start to the answer (clamped to [0, roundMs])
 * @example scoreAnswer("correct", 0, 10_000, 2) // { points: 1200, streak: 3 }
 */
export function scoreAnswer(verdict: Verdict, elapsedMs: number, roundMs: number, streakBefore: number): RoundScore {
  if (verdict !== "correct" && verdict !== "almost") return { points: 0, streak: 0 };
  const t = Math.min(Math.max(elapsedMs, 0), roundMs);
  const base = Math.round(MAX_POINTS * (1 - t / roundMs / 2));
  const earned = verdict === "almost" ? Math.round(base * ALMOST_CREDIT) : base;
  const streak = streakBefore + 1;
  const bonus = Math.min((streak - 1) * STREAK_STEP, STREAK_BONUS_CAP);
  return { points: earned + bonus, streak };
}

/** A player as the end-of-duel rules see them: the part of the wire's {@link Standing} they read. */
export type Contender = Pick<Standing, "sessionId" | "score" | "forfeited">;

/**
 * The winner's sessionId, or "" for a draw. A player who forfeited cannot win; when only one
 * player has not forfeited, that player wins whatever the scores.
 * @example decideWinner([{ sessionId: "a", score: 900, forfeited: false }, { sessionId: "b", score: 900, forfeited: false }]) // ""
 */
export function decideWinner(standings: readonly Contender[]): string {
  const inPlay = standings.filter((s) => !s.forfeited);
  if (inPlay.length === 0) return "";
  const best = Math.max(...inPlay.map((s) => s.score));
  const leaders = inPlay.filter((s) => s.score === best);
  return leaders.length === 1 ? leaders[0].sessionId : "";
}

/** A round closes early once every player still in the duel has answered. */
export function roundComplete(players: readonly { answered: boolean; active: boolean }[]): boolean {
  const active = players.filter((p) => p.active);
  return active.length > 0 && active.every((p) => p.answered);
}

/**
 * A duel ends early when forfeits leave fewer than two players (practice: nobody).
 * @example tooFewToGoOn(1, false) // true
 */
export function tooFewToGoOn(remaining: number, practice: boolean): boolean {
  return remaining < (practice ? 1 : 2);
}

/** The late-answer rule: an answer at or after the deadline does not count. */
export function isLate(now: number, roundEndsAt: number): boolean {
  return now >= roundEndsAt;
}

/**
 * Places after a duel: 1 + the number of players with a higher score; equal scores share a
 * place; a player who forfeited comes last.
 * @example placements([{ sessionId: "a", score: 9, forfeited: false }, { sessionId: "b", score: 3, forfeited: false }]) // a→1, b→2
 */
export function placements(standings: readonly Contender[]): Map<string, number> {
  const inPlay = standings.filter((s) => !s.forfeited);
  return new Map(standings.map((s) => [s.sessionId, s.forfeited ? standings.length : 1 + inPlay.filter((o) => o.score > s.score).length]));
}

/** Why an answer is refused: codes from server/errors.ts. */
export type AnswerRefusal = { ok: false; code: "DUEL_NOT_IN_ROUND" | "DUEL_ALREADY_ANSWERED" | "DUEL_TOO_LATE"; message: string };

/**
 * Whether a player may answer now: only during a round, once, before the deadline, and
 * not after leaving the duel.
 * @example mayAnswer({ phase: "round", round: 2, answered: true, forfeited: false, now: 0, roundEndsAt: 9 }) // DUEL_ALREADY_ANSWERED
 */
export function mayAnswer(s: { phase: string; round: number; answered: boolean; forfeited: boolean; now: number; roundEndsAt: number }): { ok: true } | AnswerRefusal {
  if (s.phase !== "round") return { ok: false, code: "DUEL_NOT_IN_ROUND", message: `answers are taken during a round, not in "${s.phase}"` };
  if (s.forfeited) return { ok: false, code: "DUEL_NOT_IN_ROUND", message: "you have left this duel" };
  if (s.answered) return { ok: false, code: "DUEL_ALREADY_ANSWERED", message: `you already answered round ${s.round}; only the first answer counts` };
  if (isLate(s.now, s.roundEndsAt)) return { ok: false, code: "DUEL_TOO_LATE", message: `round ${s.round} closed before your answer arrived` };
  return { ok: true };
}

/** An answer a player gave this round, kept privately until the round closes. */
export interface PendingAnswer {
  answer: string;
  judgement: Judgement;
  elapsedMs: number;
}

/** What one player gets when a round closes. */
export interface RoundOutcome {
  verdict: Verdict;
  reason?: AlmostReason;
  points: number;
  streak: number;
  answer: string;
}

/**
 * Scores one player's round: their pending answer (or none) against the round length.
 * @example roundOutcome(undefined, 10_000, 3) // { verdict: "none", points: 0, streak: 0, answer: "" }
 */
export function roundOutcome(pending: PendingAnswer | undefined, roundMs: number, streakBefore: number): RoundOutcome {
  const judgement: Judgement | { verdict: "none" } = pending?.judgement ?? { verdict: "none" };
  const { points, streak } = scoreAnswer(judgement.verdict, pending?.elapsedMs ?? 0, roundMs, streakBefore);
  const outcome: RoundOutcome = { verdict: judgement.verdict, points, streak, answer: pending?.answer ?? "" };
  if ("reason" in judgement) outcome.reason = judgement.reason;
  return outcome;
}

/** A round's word in a player's line of the result: its verdict, why it was almost, how long the answer took. */
export interface RoundWord {
  prompt: string;
  verdict: Verdict;
  reason?: AlmostReason;
  ms?: number;
}

/**
 * The word a player's round adds to their line of the result (duels and class games alike).
 * @example roundWord(question, { verdict: "almost", reason: "accent" }, pending) // { prompt: "apple", verdict: "almost", reason: "accent", ms: 2100 }
 */
export function roundWord(question: Pick<Question, "english">, outcome: Pick<RoundOutcome, "verdict" | "reason">, pending?: PendingAnswer): RoundWord {
  const word: RoundWord = { prompt: question.english, verdict: outcome.verdict };
  if (outcome.reason) word.reason = outcome.reason;
  if (pending) word.ms = pending.elapsedMs;
  return word;
}

/**
 * A closed round's answer on the wire: in choice mode its choice's 1-based index (one byte),
 * in typed mode its text; and the round's other accepted answers.
 * @example revealOf({ choices: [], reveal: "la manzana", accepted: ["la manzana", "manzana"] }) // { reveal: "la manzana", revealChoice: 0, alsoAccepted: ["manzana"] }
 */
export function revealOf(question: Pick<Question, "choices" | "reveal" | "accepted">): { reveal: string; revealChoice: number; alsoAccepted: string[] } {
  const choice = question.choices.length > 0;
  return { reveal: choice ? "" : question.reveal, revealChoice: choice ? question.choices.indexOf(question.reveal) + 1 : 0, alsoAccepted: question.accepted.filter((a) => a !== question.reveal) };
}

/** A player's line at the end of a duel: the wire's {@link Standing} before XP is counted. */
export type FinalLine = Omit<Standing, "xp">;

/**
 * The end of a duel: the winner ("" for a draw) and every player ranked — players still
 * in the duel by score, then those who forfeited — each with their place.
 */
export function duelOutcome<L extends FinalLine>(lines: readonly L[]): { winner: string; ranked: (L & { placement: number })[] } {
  const places = placements(lines);
  const ranked = lines
    .map((l) => ({ ...l, placement: places.get(l.sessionId)! }))
    .sort((x, y) => Number(x.forfeited) - Number(y.forfeited) || y.score - x.score);
  return { winner: decideWinner(lines), ranked };
}

/**
 * Words for a review practice: the first `count` words named in `wanted` (prompts, most
 * urgent first: the due words, then the most missed), then words drawn at random from
 * `words` for the rest of the rounds. The chosen ones are asked in random order.
 * @example pickForReview(words, ["mirror", "knife"], 10, Math.random)
 */
export function pickForReview<T extends RuleWord>(words: readonly T[], wanted: readonly string[], count: number, rng: Rng): T[] {
  const byPrompt = new Map(words.map((w) => [w.en[0], w]));
  const first = [...new Set(wanted)].flatMap((p) => byPrompt.get(p) ?? []).slice(0, count);
  const chosen = new Set(first);
  const rest = pickWords(words.filter((w) => !chosen.has(w)), count - first.length, rng);
  return pickWords(first, first.length, rng).concat(rest);
}

/**
 * A random code of `length` characters drawn from `alphabet`.
 * @example challengeCode(Math.random, "ABC23", 6) // "B3CA2A"
 */
export function challengeCode(rng: Rng, alphabet: string, length: number): string {
  let code = "";
  for (let i = 0; i < length; i++) code += alphabet[Math.floor(rng() * alphabet.length)];
  return code;
}
