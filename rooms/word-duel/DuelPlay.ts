import { randomUUID } from "node:crypto";
import type { Client, Delayed } from "@colyseus/core";
import type { ErrorCode } from "../../server/errors";
import { GuardedRoom } from "../shared/GuardedRoom";
import { BotPlayers } from "./BotPlayers";
import type { Challenge } from "./challenge";
import type { Mode } from "./duel.rules";
import { DuelTable } from "./DuelTable";
import * as flow from "./flow.rules";
import * as msg from "./messages";
import { duelResult } from "./result.rules";
import type { DuelServices } from "./services";
import { WordDuelState } from "./WordDuelState";

/**
 * How a duel is played out, the half of the duel actor below its lifecycle hooks
 * (WordDuelRoom: who gets in, what a leave or a shutdown means): it carries out what
 * flow.rules.ts decides — the phase fields, the duel's one timer, rounds, the end — with the
 * room's clock and broadcasts, and takes answers from clients and bots alike.
 */
export abstract class DuelPlay extends GuardedRoom<WordDuelState, DuelServices> {
  override state = new WordDuelState();
  /** The players, their private seats and the questions. */
  protected table = new DuelTable(this.state);
  protected bots = new BotPlayers();
  /** A private duel's code (challenge option). */
  protected challenge?: Challenge;
  /** The duel's one timer: arming another replaces it. */
  private timer?: Delayed;
  /** Nothing more happens in this duel: its result is being kept, or it ended. */
  protected over = false;
  /** Set on shutdown: a finished duel then closes at once instead of lingering. */
  private shuttingDown = false;

  protected get phase(): msg.Phase {
    return msg.phaseOf(this.state.phase);
  }

  /** Carries out what flow.rules.ts decided, in order. */
  protected run(effects: readonly flow.Effect[]): void {
    for (const effect of effects) {
      switch (effect.do) {
        case "patch": this.patchPhase(effect.patch); break;
        case "arm":
          this.timer?.clear();
          this.timer = this.clock.setTimeout(() => this.run([effect.then]), effect.inMs);
          break;
        case "grace":
          this.shuttingDown = true;
          this.clock.setTimeout(() => this.run([effect.then]), effect.inMs);
          break;
        case "listing":
          // Locked explicitly: Colyseus unlocks a full room when someone leaves, and nobody
          // may join a duel that has started; a started challenge's code stops leading here.
          void (effect.open ? this.unlock() : this.lock());
          void this.challenge?.list(effect.open);
          break;
        case "start_round": this.startRound(effect.round); break;
        case "close_round": this.closeRound(); break;
        case "finish": void this.finish(); break;
        case "end": this.end(effect.ending); break;
        case "close": void this.disconnect(); break;
      }
    }
  }

  /** A phase change on the wire: the phase as its code, its end in ms after the room's clockBase. */
  private patchPhase({ phase, phaseEndsAt, ...rest }: flow.PhasePatch): void {
    const phaseEnds = phaseEndsAt > 0 ? Math.max(1, phaseEndsAt - this.state.clockBase) : 0;
    Object.assign(this.state, { phase: msg.PHASES.indexOf(phase), phaseEnds, ...rest });
  }

  /** The `answer` message's handler. */
  protected onAnswer(client: Client, payload: unknown): void {
    // Only a seat answers (watchers' messages never reach a handler: onWatcherMessage).
    if (!this.table.has(client.sessionId)) return;
    const parsed = msg.parseAnswer(payload);
    if (!parsed.ok) return this.reject(client, "DUEL_BAD_MESSAGE", parsed.message);
    const refusal = this.take(client.sessionId, parsed.value.answer);
    // Accepted: the sender sees its own `answered` in the patch that shows it to everyone.
    if (refusal) return this.reject(client, refusal.code, refusal.message);
    this.answered();
  }

  /** A watcher sent something: watching is read-only (nothing it sends is ever taken). */
  protected override onWatcherMessage(client: Client, type: string): void {
    this.reject(client, "ROOM_WATCH_ONLY", `you are watching: "${type.slice(0, 40)}" is for players`);
  }

  /** Any other message type: told, not disconnected (a newer client may know more types). */
  protected override onUnknownMessage(client: Client, type: string): void {
    this.reject(client, "DUEL_BAD_MESSAGE", `unknown message type "${type}"`);
  }

  protected override onFloodWarning(client: Client): void {
    this.reject(client, "DUEL_RATE_LIMITED", "too many messages: extra messages are ignored");
  }

  /** A flooding player is disconnected for good: no reconnection window, it counts as leaving. */
  protected override onFlood(client: Client): void {
    this.table.kick(client.sessionId);
    super.onFlood(client);
  }

  override async onDispose(): Promise<void> {
    this.timer?.clear();
    this.bots.stop();
    await this.challenge?.list(false);
  }

  /**
   * Tells one client why its message was refused, after the patch of anything taken before it
   * (patches go out right after the current callback): a client that sent two answers reads
   * the first one's acceptance, then the second one's refusal, in the order it sent them.
   */
  protected reject(client: Client, code: ErrorCode, message: string): void {
    queueMicrotask(() => client.send(msg.MSG_ERROR, { code, message } satisfies msg.ErrorMessage));
  }

  /** Takes one player's answer (clients and bots alike), or says why not. */
  private take(sessionId: string, answer: string): { code: ErrorCode; message: string } | undefined {
    // The duel is over (its result being saved): the round no longer takes answers.
    if (this.over) return { code: "DUEL_NOT_IN_ROUND", message: "this duel is over" };
    return this.table.take(sessionId, answer, this.services.now());
  }

  /** An answer was taken: the round may close. The patch shows it to everyone at once. */
  private answered(): void {
    this.run(flow.afterAnswer(this.phase, this.table.players));
  }

  private startRound(round: number): void {
    const now = this.services.now();
    const question = this.table.openRound(round, now);
    this.run(flow.roundStart(round, now, this.state.roundMs));
    const later = (fn: () => void, ms: number) => this.clock.setTimeout(fn, ms);
    this.bots.play(question, this.state.roundMs, this.services.rng, later, (id, text) => {
      if (!this.take(id, text)) this.answered();
    });
  }

  private closeRound(): void {
    if (this.over) return;
    this.bots.stop();
    this.table.closeRound();
    this.run(flow.reveal(this.state, this.services.now(), this.services.timing));
  }

  /** Nothing more happens in this duel: its timer and its bots stop. */
  private stop(): void {
    this.over = true;
    this.timer?.clear();
    this.bots.stop();
  }

  /** Ends the duel without a result: everyone is told why, then the room closes. Nothing is recorded. */
  private end(ending: flow.Ending): void {
    if (!flow.endsNow(ending, { phase: this.phase, over: this.over })) return;
    this.stop();
    this.announce(ending);
  }

  /** Tells everyone how the duel ended without a result, then closes the room with the ending's code. */
  private announce(ending: flow.Ending): void {
    this.broadcast(msg.MSG_ERROR, { code: ending.code, message: ending.message } satisfies msg.ErrorMessage);
    void this.disconnect(ending.closeCode);
  }

  /**
   * The duel is over: its result is made durable (outbox or store) before anyone is told it,
   * so a crash right after can never lose a result a learner saw. If nothing can keep it,
   * the players are told the duel could not be saved instead of being shown XP they lose.
   */
  private async finish(): Promise<void> {
    if (this.over) return;
    this.stop();
    const { lang, mode, practice } = this.state;
    // A party is never rated, whatever number of its players is left at the end.
    const { result, message, winner } = duelResult({ matchId: randomUUID(), lang, mode: mode as Mode, practice, ...(this.state.party ? { game: "party" as const } : {}), finishedAt: this.services.now(), lines: this.table.lines() });
    try {
      await this.services.recordResult(result);
    } catch (err) {
      this.services.log.error({ err, roomId: this.roomId, matchId: result.matchId }, "word_duel: the result could not be kept anywhere; the duel ends unsaved");
      return this.announce(flow.ENDINGS.unsaved);
    }
    if (this.disposed) return;
    this.run(flow.finished(winner, this.shuttingDown, this.services.timing));
    // After the patch of the final state, which it completes (names, scores, the winner).
    this.broadcast(msg.MSG_DUEL_RESULT, message, { afterNextPatch: true });
  }
}
