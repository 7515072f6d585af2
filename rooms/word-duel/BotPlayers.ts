import type { Delayed } from "@colyseus/core";
import { botMove, botSkill, type BotSkill } from "./bot.rules";
import type { Question, Rng } from "./duel.rules";

/** A bot seat's id (bots have no client; ids of real clients never start like this). */
export const BOT_PREFIX = "bot:";

/**
 * The bots of one duel: each answers every round after its think time (bot.ts draws both the
 * time and the answer from its skill). The room passes its clock and its way of taking an
 * answer, so a bot's answer goes through the same checks as a learner's.
 */
export class BotPlayers {
  private skills = new Map<string, BotSkill>();
  private timers: Delayed[] = [];

  /** Adds a bot about as good as `rating`; returns its seat id. */
  add(id: string, rating: number): string {
    this.skills.set(`${BOT_PREFIX}${id}`, botSkill(rating));
    return `${BOT_PREFIX}${id}`;
  }

  /** Schedules every bot's answer to this round's question. */
  play(question: Question, roundMs: number, rng: Rng, later: (fn: () => void, ms: number) => Delayed, answer: (id: string, text: string) => void): void {
    for (const [id, skill] of this.skills) {
      const move = botMove(question, skill, roundMs, rng);
      this.timers.push(later(() => answer(id, move.answer), move.delayMs));
    }
  }

  /** Cancels answers not given yet (the round closed). */
  stop(): void {
    for (const t of this.timers.splice(0)) t.clear();
  }
}
