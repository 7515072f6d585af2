import type { ErrorCode } from "../../server/errors";
import { replaceAll } from "../shared/array-schema";
import type { Identity } from "../shared/identity";
import type { MatchPlayer } from "../shared/match-result";
import * as rules from "./duel.rules";
import type { FlowPlayer } from "./flow.rules";
import { deadlineOf, phaseOf, VERDICT_CODES } from "./messages";
import { NO_QUESTIONS, type DuelQuestions } from "./questions";
import type { FinishedDuel } from "./result.rules";
import { PlayerState, type WordDuelState } from "./WordDuelState";

/** Private, per-player bookkeeping the clients never see. */
interface Seat {
  identity: Identity;
  /** This round's answer, kept until the round closes. */
  pending?: rules.PendingAnswer;
  words: MatchPlayer["words"];
  /** Disconnected for flooding: no reconnection window, it counts as leaving. */
  kicked?: boolean;
}

/**
 * The players and questions of one duel: each player's public line (`state.players`) beside
 * their private seat, the round's prompt and choices, and the answers taken until the
 * reveal. No clock, no socket: the room passes `now` in and sends what comes out.
 */
export class DuelTable {
  private readonly seats = new Map<string, Seat>();
  questions: DuelQuestions = NO_QUESTIONS;
  private roundStartedAt = 0;

  constructor(private readonly state: WordDuelState) {}

  /** Every player as flow.rules.ts reads them. */
  get players(): FlowPlayer[] {
    const { round } = this.state;
    return [...this.state.players.values()].map((p) => ({ answered: round > 0 && p.answeredRound === round, connected: p.connected, forfeited: p.forfeited }));
  }

  sit(id: string, identity: Identity, isBot: boolean): void {
    this.seats.set(id, { identity, words: [] });
    this.state.players.set(id, new PlayerState().assign({ name: identity.name, isBot }));
  }

  /** A seat given up before the first round. */
  free(id: string): void {
    this.state.players.delete(id);
    this.seats.delete(id);
  }

  has(id: string): boolean {
    return this.seats.has(id);
  }

  /** Whether this account already has a seat (one seat per account). */
  holds(userId: string): boolean {
    return [...this.seats.values()].some((s) => s.identity.userId === userId);
  }

  /** Marks a seat as disconnected for flooding: its leave is for good. */
  kick(id: string): void {
    const seat = this.seats.get(id);
    if (seat) seat.kicked = true;
  }

  kicked(id: string): boolean {
    return this.seats.get(id)?.kicked === true;
  }

  /** Round `round` opens at `now`: nobody has answered; its prompt and choices go public. */
  openRound(round: number, now: number): rules.Question {
    const question = this.questions.at(round);
    this.roundStartedAt = now;
    // Nobody's `answered` is reset: a player has answered the round when their answeredRound is it.
    for (const seat of this.seats.values()) seat.pending = undefined;
    Object.assign(this.state, { prompt: question.prompt, reveal: "", revealChoice: 0 });
    // Replaced in place (not a new array): the patch then carries the four strings, not a new array's bookkeeping too.
    replaceAll(this.state.choices, question.choices);
    replaceAll(this.state.alsoAccepted, []);
    return question;
  }

  /** Takes one player's answer for this round (clients and bots alike), or says why not. */
  take(id: string, answer: string, now: number): { code: ErrorCode; message: string } | undefined {
    const seat = this.seats.get(id)!;
    const player = this.state.players.get(id)!;
    const { phase, round, clockBase, phaseEnds } = this.state;
    const may = rules.mayAnswer({ phase: phaseOf(phase), round, roundEndsAt: deadlineOf(clockBase, phaseEnds), now, answered: round > 0 && player.answeredRound === round, forfeited: player.forfeited });
    if (!may.ok) return may;
    const judgement = rules.judgeAnswer(this.questions.at(round), answer);
    if (judgement.verdict === "invalid") return { code: "DUEL_INVALID_CHOICE", message: "that is not one of the choices offered this round" };
    seat.pending = { answer, judgement, elapsedMs: now - this.roundStartedAt };
    player.answeredRound = round;
    return undefined;
  }

  /**
   * The round closes: everyone is scored, and the answer and each player's outcome go public
   * (the state is the round's result: no message repeats it).
   */
  closeRound(): void {
    const question = this.questions.at(this.state.round);
    for (const [sessionId, player] of this.state.players) {
      const seat = this.seats.get(sessionId)!;
      const { streak, verdict, points, reason, answer } = rules.roundOutcome(seat.pending, this.state.roundMs, player.streak);
      // A wrong pick goes out as its choice's index (one byte), any other answer as sent.
      const shown = verdict === "correct" ? "" : answer;
      const lastChoice = question.choices.indexOf(shown) + 1;
      Object.assign(player, { score: player.score + points, streak, lastVerdict: VERDICT_CODES.indexOf(verdict), lastReason: reason ?? "", lastChoice, lastAnswer: lastChoice > 0 ? "" : shown });
      seat.words.push(rules.roundWord(question, { verdict, reason }, seat.pending));
    }
    const { reveal, revealChoice, alsoAccepted } = rules.revealOf(question);
    Object.assign(this.state, { reveal, revealChoice });
    replaceAll(this.state.alsoAccepted, alsoAccepted);
  }

  /** Every player's final line, with their account and the words they were asked. */
  lines(): FinishedDuel["lines"] {
    return [...this.state.players.entries()].map(([sessionId, p]) => {
      const { identity, words } = this.seats.get(sessionId)!;
      return { sessionId, name: p.name, score: p.score, forfeited: p.forfeited, isBot: p.isBot, userId: identity.userId, words };
    });
  }
}
