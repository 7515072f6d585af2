/**
 * The server-side bot opponent, pure: how well and how fast it plays is drawn from a rating
 * (the learner's own, so the bot is about their level). The room only schedules its answers.
 */
import { START_RATING } from "./worth.rules";
import type { Question, Rng } from "./duel.rules";

export interface BotSkill {
  /** Chance of a right answer. */
  accuracy: number;
  /** Typical answer time as a share of the round. */
  pace: number;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Skill for a rating: a new learner (1200) meets a bot right 65% of the time, answering at
 * about 40% of the round; every 100 rating points add 5 points of accuracy and answer a
 * little sooner.
 * @example botSkill(1200) // { accuracy: 0.65, pace: 0.4 }
 */
export function botSkill(rating: number): BotSkill {
  const above = (rating - START_RATING) / 100;
  return { accuracy: clamp(0.65 + 0.05 * above, 0.3, 0.95), pace: clamp(0.4 - 0.025 * above, 0.15, 0.7) };
}

export interface BotMove {
  /** When to answer, from the start of the round. */
  delayMs: number;
  answer: string;
}

/**
 * The bot's answer to one question: right with `accuracy`, else a wrong choice (choice mode)
 * or a plausible miss (typed); its time varies ±50% around its pace and stays in the round.
 */
export function botMove(question: Question, skill: BotSkill, roundMs: number, rng: Rng): BotMove {
  const delayMs = Math.round(clamp(skill.pace * (0.5 + rng()) * roundMs, 400, roundMs * 0.9));
  if (rng() < skill.accuracy) return { delayMs, answer: question.choices.length ? question.reveal : question.accepted[0] };
  const wrong = question.choices.filter((c) => c !== question.reveal);
  if (wrong.length) return { delayMs, answer: wrong[Math.floor(rng() * wrong.length)] };
  return { delayMs, answer: "?" };
}

const BOT_NAMES = ["Lumi", "Pip", "Koru", "Nova", "Bex", "Tilo", "Mika", "Zed"];

/** A bot's display name (always marked as a bot, in the name and in state.isBot). */
export function botName(rng: Rng): string {
  return `${BOT_NAMES[Math.floor(rng() * BOT_NAMES.length)]} (bot)`;
}
