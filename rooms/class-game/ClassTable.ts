import { StateView } from "@colyseus/schema";
import { replaceAll } from "../shared/array-schema";
import type { ErrorCode } from "../../server/errors";
import type { Identity } from "../shared/identity";
import type { MatchPlayer } from "../shared/match-result";
import * as rules from "../word-duel/duel.rules";
import { NO_QUESTIONS, type DuelQuestions } from "../word-duel/questions";
import type { FinishedDuel } from "../word-duel/result.rules";
import { classPhaseOf, deadlineOf, VERDICT_CODES } from "./messages";
import { tallyRound, topPlayers, type RoundAnswer } from "./report.rules";
import { ClassPlayerState, TopEntryState, type ClassGameState } from "./ClassGameState";

/** Private, per-player bookkeeping nobody else sees. */
interface Seat {
  key: string;
  identity: Identity;
  /** The session now holding the seat ("" while nobody does). */
  sessionId: string;
  /** What this player's phone receives of the filtered state: its own record. */
  view: StateView;
  pending?: rules.PendingAnswer;
  words: MatchPlayer["words"];
}

/**
 * The players and questions of one class game: each player's record (`state.players`, keyed
 * "p1", "p2", … so a learner who comes back on a new session keeps theirs) beside a private
 * seat, the views that filter who sees which record, the round's answers until the reveal.
 * No clock, no socket: the room passes `now` in.
 */
export class ClassTable {
  private readonly seats = new Map<string, Seat>();
  private readonly bySession = new Map<string, Seat>();
  /** Accounts the host removed: they cannot come back. */
  private readonly removed = new Set<string>();
  /** The host's view: every record, and the live counts. */
  readonly hostView = new StateView();
  questions: DuelQuestions = NO_QUESTIONS;
  /** The English prompts asked so far, in order (the report's words). */
  readonly asked: string[] = [];
  private roundStartedAt = 0;
  private nextKey = 1;

  constructor(private readonly state: ClassGameState) {
    this.hostView.add(state.live);
  }

  get size(): number {
    return this.seats.size;
  }

  names(): string[] {
    return [...this.seats.values()].map((s) => this.state.players.get(s.key)!.name);
  }

  keyOf(sessionId: string): string | undefined {
    return this.bySession.get(sessionId)?.key;
  }

  /** The seat of this account, if it has one. */
  seatOf(userId: string): { key: string; sessionId: string } | undefined {
    for (const s of this.seats.values()) if (s.identity.userId === userId) return s;
    return undefined;
  }

  wasRemoved(userId: string): boolean {
    return this.removed.has(userId);
  }

  /** A new player sits down on `sessionId`; returns the view their client gets. */
  sit(sessionId: string, identity: Identity, name: string): StateView {
    const key = `p${this.nextKey++}`;
    const record = new ClassPlayerState().assign({ name });
    const seat: Seat = { key, identity, sessionId, view: new StateView(), words: [] };
    this.state.players.set(key, record);
    seat.view.add(record);
    this.hostView.add(record);
    this.seats.set(key, seat);
    this.bySession.set(sessionId, seat);
    this.state.playerCount = this.seats.size;
    return seat.view;
  }

  /** A learner back on a new session (a reload): the same seat, name and score. */
  resume(key: string, sessionId: string): StateView {
    const seat = this.seats.get(key)!;
    this.bySession.delete(seat.sessionId);
    seat.sessionId = sessionId;
    this.bySession.set(sessionId, seat);
    this.setConnected(sessionId, true);
    return seat.view;
  }

  setConnected(sessionId: string, connected: boolean): void {
    const seat = this.bySession.get(sessionId);
    if (seat) this.state.players.get(seat.key)!.connected = connected;
  }

  /** The session no longer holds its seat (its learner may come back on another). */
  release(sessionId: string): void {
    const seat = this.bySession.get(sessionId);
    if (!seat) return;
    this.bySession.delete(sessionId);
    if (seat.sessionId === sessionId) seat.sessionId = "";
  }

  /**
   * The host removes a player for good: gone from the state, the count of answers, the places
   * and the top five (often the point: a name off the projector), and from the result; their
   * account cannot rejoin. Returns the session to close.
   */
  remove(key: string): string | undefined {
    const seat = this.seats.get(key);
    if (!seat) return undefined;
    const { round } = this.state;
    if (round > 0 && this.state.players.get(key)!.answeredRound === round && seat.pending) this.state.live.answered -= 1;
    this.removed.add(seat.identity.userId);
    this.seats.delete(key);
    this.bySession.delete(seat.sessionId);
    this.state.players.delete(key);
    this.state.playerCount = this.seats.size;
    if (this.state.top.length > 0) this.rank();
    return seat.sessionId || undefined;
  }

  /** Every player as the flow reads them. */
  get players(): { answered: boolean; connected: boolean }[] {
    const { round } = this.state;
    return [...this.seats.values()].map((s) => {
      const p = this.state.players.get(s.key)!;
      return { answered: round > 0 && p.answeredRound === round, connected: p.connected };
    });
  }

  /** Round `round` opens at `now`: its prompt and choices go public, the count starts at 0. */
  openRound(round: number, now: number): void {
    const question = this.questions.at(round);
    this.roundStartedAt = now;
    this.asked.push(question.english);
    for (const seat of this.seats.values()) seat.pending = undefined;
    Object.assign(this.state, { prompt: question.prompt, reveal: "", revealChoice: 0 });
    replaceAll(this.state.choices, question.choices);
    replaceAll(this.state.alsoAccepted, []);
    this.state.live.answered = 0;
  }

  /** Takes one player's answer for this round, or says why not. */
  take(sessionId: string, answer: string, now: number): { code: ErrorCode; message: string } | undefined {
    const seat = this.bySession.get(sessionId);
    if (!seat) return { code: "DUEL_NOT_IN_ROUND", message: "you have no seat in this game" };
    const player = this.state.players.get(seat.key)!;
    const { phase, round, clockBase, phaseEnds, paused } = this.state;
    if (paused) return { code: "DUEL_NOT_IN_ROUND", message: "the game is paused" };
    const may = rules.mayAnswer({ phase: classPhaseOf(phase), round, roundEndsAt: deadlineOf(clockBase, phaseEnds), now, answered: round > 0 && player.answeredRound === round, forfeited: false });
    if (!may.ok) return may;
    const judgement = rules.judgeAnswer(this.questions.at(round), answer);
    if (judgement.verdict === "invalid") return { code: "DUEL_INVALID_CHOICE", message: "that is not one of the choices offered this round" };
    seat.pending = { answer, judgement, elapsedMs: now - this.roundStartedAt };
    player.answeredRound = round;
    this.state.live.answered += 1;
    return undefined;
  }

  /**
   * The round closes: everyone is scored; the answer, the class's tally, each player's place
   * and the top five go out.
   */
  closeRound(): void {
    const question = this.questions.at(this.state.round);
    const answers: RoundAnswer[] = [];
    for (const seat of this.seats.values()) {
      const player = this.state.players.get(seat.key)!;
      const { streak, verdict, points, reason } = rules.roundOutcome(seat.pending, this.state.roundMs, player.streak);
      const choice = question.choices.indexOf(seat.pending?.answer ?? "") + 1;
      answers.push({ verdict, choice });
      Object.assign(player, { score: player.score + points, streak: Math.min(streak, 255), lastVerdict: VERDICT_CODES.indexOf(verdict), lastReason: reason ?? "", lastPoints: points });
      seat.words.push(rules.roundWord(question, { verdict, reason }, seat.pending));
    }
    const { reveal, revealChoice, alsoAccepted } = rules.revealOf(question);
    Object.assign(this.state, { reveal, revealChoice });
    replaceAll(this.state.alsoAccepted, alsoAccepted);
    this.showTally(tallyRound(answers, question.choices.length));
    this.rank();
  }

  private showTally(t: ReturnType<typeof tallyRound>): void {
    const tally = this.state.tally;
    replaceAll(tally.byChoice, t.byChoice);
    Object.assign(tally, { correct: t.correct, almost: t.almost, wrong: t.wrong, none: t.none });
  }

  /** Each player's place (equal scores share one) and the top five. */
  rank(): void {
    const lines = [...this.state.players.entries()].map(([key, p]) => ({ id: key, name: p.name, score: p.score }));
    const places = rules.placements(lines.map((l) => ({ sessionId: l.id, score: l.score, forfeited: false })));
    for (const [key, p] of this.state.players) p.rank = places.get(key)!;
    const top = topPlayers(lines);
    const list = this.state.top;
    // The same five places each round: their names and scores change in place (few patch bytes).
    if (list.length === top.length) top.forEach((t, i) => Object.assign(list[i], { name: t.name, score: t.score }));
    else replaceAll(list, top.map((t) => new TopEntryState().assign({ name: t.name, score: t.score })));
  }

  /** Every player's final line (keyed by seat), with their account and the words they were asked. */
  lines(): FinishedDuel["lines"] {
    return [...this.seats.values()].map((s) => {
      const p = this.state.players.get(s.key)!;
      return { sessionId: s.key, name: p.name, score: p.score, forfeited: false, isBot: false, userId: s.identity.userId, words: s.words };
    });
  }
}
