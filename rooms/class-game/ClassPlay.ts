import { randomUUID } from "node:crypto";
import type { Client, Deferred, Delayed } from "@colyseus/core";
import type { ErrorCode } from "../../server/errors";
import { GuardedRoom } from "../shared/GuardedRoom";
import type { Mode } from "../word-duel/duel.rules";
import { duelResult } from "../word-duel/result.rules";
import { ClassGameState } from "./ClassGameState";
import { ClassTable } from "./ClassTable";
import * as flow from "./class-flow.rules";
import * as msg from "./messages";
import type { ClassPin } from "./pins";
import { classReport } from "./report.rules";
import type { ClassServices } from "./services";

/**
 * How a class game is played out, the half of the actor below its lifecycle hooks
 * (ClassGameRoom: who gets in, what a leave means): it carries out what class-flow.rules.ts
 * decides with the room's one timer, takes the players' answers and the host's commands, and
 * keeps the result before the podium shows it.
 */
export abstract class ClassPlay extends GuardedRoom<ClassGameState, ClassServices> {
  override state = new ClassGameState();
  protected table = new ClassTable(this.state);
  protected pin?: ClassPin;
  /** The host's current session ("" while away). */
  protected hostSession = "";
  /** Seats held for dropped sessions (allowReconnection): a comeback on a new session, or a removal, ends the wait. */
  protected readonly held = new Map<string, Deferred<Client>>();
  private timer?: Delayed;
  /** Nothing more happens: the result is being kept, or the game ended. */
  protected over = false;
  private shuttingDown = false;

  protected get phase(): msg.ClassPhase {
    return msg.classPhaseOf(this.state.phase);
  }

  /** The game as class-flow.rules.ts reads it. */
  protected get game(): flow.FlowGame {
    const { paused, round, totalRounds, autoAdvance, clockBase, phaseEnds, pausedLeftMs } = this.state;
    return { phase: this.phase, paused, round, totalRounds, autoAdvance, players: this.table.size, phaseEndsAt: msg.deadlineOf(clockBase, phaseEnds), pausedLeftMs };
  }

  /** Carries out what the flow decided, in order. */
  protected run(effects: readonly flow.ClassEffect[]): void {
    for (const effect of effects) {
      switch (effect.do) {
        case "patch": this.patchPhase(effect.patch); break;
        case "arm":
          this.timer?.clear();
          this.timer = this.clock.setTimeout(() => this.run([effect.then]), effect.inMs);
          break;
        case "listing":
          if (effect.open) break;
          void this.pin?.close();
          this.state.pin = "";
          break;
        case "start_round": this.startRound(effect.round); break;
        case "close_round": this.closeRound(); break;
        case "finish": void this.finish(); break;
        case "end": this.end(effect.ending); break;
        case "close": void this.disconnect(); break;
      }
    }
  }

  private patchPhase({ phase, phaseEndsAt, ...rest }: flow.ClassPatch): void {
    const phaseEnds = phaseEndsAt > 0 ? Math.max(1, phaseEndsAt - this.state.clockBase) : 0;
    Object.assign(this.state, { phase: msg.CLASS_PHASES.indexOf(phase), phaseEnds, ...rest });
  }

  /** Registers the players' and the host's messages. */
  protected listen(): void {
    this.handle(msg.MSG_ANSWER, (client, payload) => this.onAnswer(client, payload));
    for (const cmd of ["start", "pause", "resume", "end"] as const) this.handle(cmd, (client) => this.hostOnly(client, () => this.command(client, cmd)));
    this.handle(msg.MSG_NEXT, (client, payload) => this.hostOnly(client, () => this.onNext(client, payload)));
    this.handle(msg.MSG_REMOVE, (client, payload) => this.hostOnly(client, () => this.onRemove(client, payload)));
    this.handle(msg.MSG_AUTO, (client, payload) => this.hostOnly(client, () => this.onAuto(client, payload)));
    this.handle(msg.MSG_LOCK, (client, payload) => this.hostOnly(client, () => this.onLock(client, payload)));
  }

  private hostOnly(client: Client, then: () => void): void {
    if (client.sessionId !== this.hostSession) return this.reject(client, "CLASS_HOST_ONLY", "only the game's host can do that");
    if (this.over) return this.reject(client, "CLASS_NOT_NOW", "the game is over");
    then();
  }

  private command(client: Client, cmd: flow.HostCommand, forRound?: number): void {
    const done = flow.command(cmd, this.game, this.services.now(), this.services.classTiming, forRound);
    if (!done.ok) return this.reject(client, done.code, done.message);
    this.run(done.effects);
    // Resumed with everyone here already answered (a player removed during the pause): the round closes.
    if (cmd === "resume") this.roundMayClose();
  }

  private onNext(client: Client, payload: unknown): void {
    const parsed = msg.parseNext(payload);
    if (!parsed.ok) return this.reject(client, "DUEL_BAD_MESSAGE", parsed.message);
    this.command(client, "next", parsed.value.round);
  }

  private onLock(client: Client, payload: unknown): void {
    const parsed = msg.parseAuto(payload);
    if (!parsed.ok) return this.reject(client, "DUEL_BAD_MESSAGE", parsed.message);
    this.state.locked = parsed.value.on;
  }

  private onRemove(client: Client, payload: unknown): void {
    const parsed = msg.parseRemove(payload);
    if (!parsed.ok) return this.reject(client, "DUEL_BAD_MESSAGE", parsed.message);
    if (!this.state.players.has(parsed.value.player)) return this.reject(client, "CLASS_NO_SUCH_PLAYER", `no player "${parsed.value.player}" in this game`);
    const removedName = this.state.players.get(parsed.value.player)!.name;
    const sessionId = this.table.remove(parsed.value.player);
    void this.pin?.name(removedName, false).catch((err) => this.log.warn({ err }, "class_game: a name could not be unlisted"));
    // Away with a held seat: the wait ends now (a reconnection would bring back a client with no seat).
    if (sessionId) this.held.get(sessionId)?.reject(new Error("removed by the host"));
    const gone = sessionId ? this.clients.find((c) => c.sessionId === sessionId) : undefined;
    if (gone) {
      gone.send(msg.MSG_ERROR, { code: "CLASS_REMOVED", message: "the host removed you from this game" } satisfies msg.ErrorMessage);
      this.closeClient(gone, msg.CLOSE_REMOVED, "CLASS_REMOVED: the host removed you from this game");
    }
    this.roundMayClose();
  }

  private onAuto(client: Client, payload: unknown): void {
    const parsed = msg.parseAuto(payload);
    if (!parsed.ok) return this.reject(client, "DUEL_BAD_MESSAGE", parsed.message);
    this.state.autoAdvance = parsed.value.on;
    // A reveal waiting for the host moves on by itself from now on (or waits from now on); a paused one learns it on resume.
    if (this.phase === "reveal" && !this.state.paused) this.run(flow.reveal(this.state, this.services.now(), this.services.classTiming));
  }

  private onAnswer(client: Client, payload: unknown): void {
    if (this.table.keyOf(client.sessionId) === undefined) {
      return this.reject(client, client.sessionId === this.hostSession ? "CLASS_HOST_ONLY" : "DUEL_NOT_IN_ROUND", client.sessionId === this.hostSession ? "the host runs the game and does not answer" : "you have no seat in this game");
    }
    const parsed = msg.parseAnswer(payload);
    if (!parsed.ok) return this.reject(client, "DUEL_BAD_MESSAGE", parsed.message);
    if (this.over) return this.reject(client, "DUEL_NOT_IN_ROUND", "this game is over");
    const refusal = this.table.take(client.sessionId, parsed.value.answer, this.services.now());
    if (refusal) return this.reject(client, refusal.code, refusal.message);
    this.roundMayClose();
  }

  /** The round closes once every connected player has answered. */
  protected roundMayClose(): void {
    if (flow.roundCloses(this.game, this.table.players)) this.closeRound();
  }

  protected override onUnknownMessage(client: Client, type: string): void {
    this.reject(client, "DUEL_BAD_MESSAGE", `unknown message type "${type}"`);
  }

  protected override onWatcherMessage(client: Client, type: string): void {
    this.reject(client, "ROOM_WATCH_ONLY", `watching is read-only: "${type.slice(0, 40)}" is for the game's players and host`);
  }

  protected override onFloodWarning(client: Client): void {
    this.reject(client, "DUEL_RATE_LIMITED", "too many messages: extra messages are ignored");
  }

  /** Told after the patch of anything taken before it (see DuelPlay.reject). */
  protected reject(client: Client, code: ErrorCode, message: string): void {
    queueMicrotask(() => client.send(msg.MSG_ERROR, { code, message } satisfies msg.ErrorMessage));
  }

  private startRound(round: number): void {
    const now = this.services.now();
    this.table.openRound(round, now);
    void this.pin?.renew().catch((err) => this.log.warn({ err }, "class_game: the PIN could not be renewed"));
    this.run(flow.roundStart(round, now, this.state.roundMs));
  }

  private closeRound(): void {
    if (this.over || this.phase !== "round") return;
    this.table.closeRound();
    this.run(flow.reveal(this.state, this.services.now(), this.services.classTiming));
  }

  private stop(): void {
    this.over = true;
    this.timer?.clear();
  }

  /** Ends the game without a result (nobody played): everyone is told why, then the room closes. */
  private end(ending: flow.ClassEnding): void {
    if (this.over) return;
    this.stop();
    this.broadcast(msg.MSG_ERROR, { code: ending.code, message: ending.message } satisfies msg.ErrorMessage);
    void this.pin?.close();
    void this.disconnect(ending.closeCode);
  }

  /**
   * The game is over: its result (the rounds played) is made durable before anyone sees the
   * podium or their XP, as a duel's is; then the host gets the class report.
   */
  private async finish(): Promise<void> {
    if (this.over) return;
    // Ended during a round: what was answered counts, and the round is one of the rounds played.
    if (this.phase === "round") this.table.closeRound();
    this.table.rank();
    this.stop();
    const { lang, mode } = this.state;
    const lines = this.table.lines().filter((l) => l.words.length > 0);
    const { result, message } = duelResult({ matchId: randomUUID(), lang, mode: mode as Mode, practice: false, game: "class", finishedAt: this.services.now(), lines });
    if (lines.length > 0) {
      try {
        await this.services.recordResult(result);
      } catch (err) {
        this.log.error({ err, matchId: result.matchId }, "class_game: the result could not be kept anywhere; the game ends unsaved");
        this.over = false;
        return this.end(flow.CLASS_ENDINGS.unsaved);
      }
    }
    if (this.disposed) return;
    for (const [key, xp] of Object.entries(message.xp)) {
      const player = this.state.players.get(key);
      if (player) player.xp = Math.min(xp, 65535);
    }
    this.run(flow.podium(this.shuttingDown, this.services.classTiming));
    const report = classReport(lines, this.table.asked);
    const host = this.clients.find((c) => c.sessionId === this.hostSession);
    const byName = new Map(lines.map((l) => [l.name, message.xp[l.sessionId] ?? 0]));
    const payload: msg.ClassReportMessage = { matchId: result.matchId, players: report.players.map((p) => ({ ...p, xp: byName.get(p.name) ?? 0 })), words: report.words };
    this.lastReport = payload;
    host?.send(msg.MSG_CLASS_REPORT, payload, { afterNextPatch: true });
  }

  /** The class report, once the game is over (a host who comes back on the podium gets it again). */
  protected lastReport?: msg.ClassReportMessage;

  /** The server is stopping (SIGTERM). */
  override onBeforeShutdown(): void {
    this.shuttingDown = true;
    this.run(flow.shutdown(this.phase));
  }

  override async onDispose(): Promise<void> {
    this.timer?.clear();
    await this.pin?.close();
  }
}
