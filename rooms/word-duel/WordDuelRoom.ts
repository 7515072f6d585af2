import { randomUUID } from "node:crypto";
import { ServerError, type Client, type Delayed } from "@colyseus/core";
import { ArraySchema } from "@colyseus/schema";
import { GuardedRoom } from "../shared/GuardedRoom";
import { authenticate, type JoinContext } from "../shared/authenticate";
import { ERROR_CODES, type ErrorCode } from "../../server/errors";
import { PlayerState, WordDuelState } from "./WordDuelState";
import * as msg from "./messages";
import * as rules from "./duel.rules";
import type { DuelServices } from "./services";
import type { Identity } from "../shared/identity";
import type { MatchResult } from "../shared/match-result";
import { Challenge } from "./challenge";
import { joinOptions, prepareJoin, rankedSetup, type DuelKind, type DuelOptions, type RankedSetup } from "./options";
import { BotPlayers } from "./BotPlayers";
import { duelResult } from "./result.rules";
import { duelQuestions } from "./questions";

/** Private, per-player bookkeeping the clients never see. */
interface Seat {
  identity: Identity;
  pending?: rules.PendingAnswer;
  words: MatchResult["players"][number]["words"];
  /** Disconnected for flooding: no reconnection window, it counts as leaving. */
  kicked?: boolean;
}

/**
 * A word duel: players of one language race through `totalRounds` words. The actor wires
 * lifecycle, messages and the clock; rules.ts decides everything else. One class serves three
 * room names: `word_duel` (duels and challenges), `practice` (one seat) and `ranked_duel`
 * (made by the ranked queue; no client can create or join one through matchmaking).
 */
export class WordDuelRoom extends GuardedRoom<WordDuelState> {
  /** Set per app by {@link bindServices}; static so the static onAuth can reach it. */
  static services: DuelServices;
  /** The room name this class is registered under (set by {@link bindServices}). */
  static roomKind: DuelKind = msg.ROOM_WORD_DUEL;

  /** This room's name: word_duel, practice or ranked_duel. */
  protected override get kind(): DuelKind {
    return (this.constructor as typeof WordDuelRoom).roomKind;
  }

  override state = new WordDuelState();
  private seats = new Map<string, Seat>();
  private questions: rules.Question[] = [];
  private chosen!: DuelOptions;
  private roundStartedAt = 0;
  private timer?: Delayed;
  private resultSent = false;
  /** A private duel's code (challenge option). */
  private challenge?: Challenge;
  /** Set by onBeforeShutdown: a finished duel then closes at once instead of lingering. */
  private shuttingDown = false;
  /** A ranked duel: the user ids it is for. */
  private invited?: Set<string>;
  private bots = new BotPlayers();
  /** A patch is due right after the current callback (see flush). */
  private flushing = false;
  private disposed = false;

  protected override get services(): DuelServices {
    return (this.constructor as typeof WordDuelRoom).services;
  }

  /**
   * Runs where the matchmaking request lands: checks the token and the join options. A
   * ranked_duel is refused to every client: only the ranked queue creates one and reserves
   * its seats, so what it decides (who may sit, a bot) never travels in a client's options.
   */
  static override async onAuth(token: string, options: Record<string, unknown>, context?: JoinContext): Promise<Identity> {
    if (this.roomKind === msg.ROOM_RANKED_DUEL) {
      throw new ServerError(ERROR_CODES.DUEL_NOT_INVITED, "DUEL_NOT_INVITED: ranked duels are joined through the ranked queue");
    }
    const identity = await authenticate(this.services, token, context);
    prepareJoin(this.services, options, this.roomKind);
    return identity;
  }

  override async onCreate(options: Record<string, unknown>): Promise<void> {
    const kind = this.kind;
    const chosen = joinOptions(this.services, options, kind);
    const { lang, mode, direction } = chosen;
    const practice = kind === msg.ROOM_PRACTICE;
    const { timing, rng } = this.services;
    // A review practice asks the learner's own missed words: chosen when they join (onJoin),
    // from the verified token, never from anything in the options.
    if (!chosen.review) this.questions = await duelQuestions(this.services, chosen);
    this.chosen = chosen;
    this.maxClients = practice ? 1 : timing.maxPlayers;
    Object.assign(this.state, { lang, mode, direction, practice, totalRounds: this.questions.length, roundMs: timing.roundMs[mode] });
    this.setMetadata({ lang, mode, direction, practice });
    if (kind === msg.ROOM_RANKED_DUEL) await this.openRanked(rankedSetup(options));
    else if (!practice) this.schedule(timing.waitingTimeoutMs, () => this.expireWaiting());
    if (chosen.challenge) {
      await this.setPrivate(true);
      this.challenge = await Challenge.open(this.presence, { roomId: this.roomId, lang, mode, direction }, rng);
      this.state.challengeCode = this.challenge.code;
    }
    this.handle(msg.MSG_ANSWER, (client, payload) => this.onAnswer(client, payload));
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
    const seat = this.seats.get(client.sessionId);
    if (seat) seat.kicked = true;
    super.onFlood(client);
  }

  /**
   * A duel the ranked queue made: private, for the paired learners only (plus a bot when
   * nobody fitted). If a learner never arrives, the duel is called off and the others are
   * told to queue again.
   */
  private async openRanked({ invited, bot }: RankedSetup): Promise<void> {
    await this.setPrivate(true);
    this.invited = new Set(invited);
    this.state.ranked = true;
    this.maxClients = invited.length + (bot ? 1 : 0);
    if (bot) {
      const id = this.bots.add(randomUUID(), bot.rating);
      this.seat(id, { userId: id, name: bot.name, guest: true }, true);
    }
    this.schedule(this.services.timing.noShowMs, () => this.callOff("your opponent did not arrive: the duel is called off; look for another"));
  }

  /** Nobody came to a duel that waited DUEL_WAITING_TIMEOUT_MS: it closes, and whoever waits is told. */
  private expireWaiting(): void {
    if (this.state.phase === "waiting") this.endUnplayed("DUEL_WAIT_EXPIRED", "nobody joined this duel in time: it is closed; look for another", msg.CLOSE_WAIT_EXPIRED);
  }

  /** A ranked duel that cannot start (an invited learner is missing) ends unplayed. */
  private callOff(message: string): void {
    if (this.state.phase === "waiting") this.endUnplayed("DUEL_NO_SHOW", message, msg.CLOSE_NO_SHOW);
  }

  /**
   * Ends the duel without a result: everyone is told why, then the room closes with
   * `closeCode`. Nothing is recorded for it, not even by the forfeits its disconnects cause.
   */
  private endUnplayed(code: ErrorCode, message: string, closeCode: number): void {
    if (this.state.phase === "finished" || this.resultSent) return;
    this.resultSent = true;
    this.timer?.clear();
    this.bots.stop();
    this.broadcast(msg.MSG_ERROR, { code, message } satisfies msg.ErrorMessage);
    void this.disconnect(closeCode);
  }

  override async onJoin(client: Client, _options: unknown, identity: Identity): Promise<void> {
    if (this.invited && !this.invited.has(identity.userId)) {
      throw new ServerError(ERROR_CODES.DUEL_NOT_INVITED, "DUEL_NOT_INVITED: this ranked duel is for the learners the queue paired");
    }
    // One seat per account: a second tab would play against itself (and its result would
    // credit one learner twice).
    if ([...this.seats.values()].some((s) => s.identity.userId === identity.userId)) {
      throw new ServerError(ERROR_CODES.DUEL_ALREADY_JOINED, "DUEL_ALREADY_JOINED: you are already in this duel (in another tab?)");
    }
    if (this.chosen.review && this.questions.length === 0) {
      this.questions = await duelQuestions(this.services, this.chosen, identity.userId);
      this.state.totalRounds = this.questions.length;
    }
    this.seat(client.sessionId, identity, false);
    if (this.state.phase === "waiting" && this.state.players.size >= this.maxClients) this.startCountdown();
  }

  private seat(id: string, identity: Identity, isBot: boolean): void {
    this.seats.set(id, { identity, words: [] });
    this.state.players.set(id, new PlayerState().assign({ name: identity.name, isBot }));
  }

  override async onLeave(client: Client, consented: boolean): Promise<void> {
    const player = this.state.players.get(client.sessionId);
    if (!player) return;
    const leftForGood = consented || this.seats.get(client.sessionId)?.kicked === true;
    if (this.state.phase === "waiting" || (this.state.phase === "countdown" && leftForGood)) return this.vacate(client.sessionId);
    player.connected = false;
    if (this.state.phase === "finished") return;
    if (!leftForGood) {
      try {
        await this.allowReconnection(client, this.services.timing.reconnectSeconds);
        player.connected = true;
        return;
      } catch {
        // The window closed without the player coming back: that is a forfeit.
      }
    }
    this.forfeit(client.sessionId);
  }

  /** A seat given up before the first round: the duel waits for someone else instead. */
  private vacate(sessionId: string): void {
    this.state.players.delete(sessionId);
    this.seats.delete(sessionId);
    if (this.state.phase !== "countdown") return;
    this.timer?.clear();
    Object.assign(this.state, { phase: "waiting", phaseEndsAt: 0 });
    // A ranked seat cannot be given to anyone else: the duel is off.
    if (this.invited) return this.callOff("your opponent left before the start: the duel is called off; look for another");
    this.schedule(this.services.timing.waitingTimeoutMs, () => this.expireWaiting());
    void this.unlock();
    void this.challenge?.list(true);
  }

  /**
   * The server is stopping (SIGTERM): the room is already locked. A duel that has not
   * started ends at once; a running one may finish within the grace time (its result is
   * recorded as usual), else it is ended without a result. Players are told which.
   */
  override onBeforeShutdown(): void {
    const { phase } = this.state;
    if (phase === "finished") return this.schedule(0, () => this.disconnect());
    if (phase === "waiting") return this.endForShutdown("the server is restarting: join again to find a duel");
    this.shuttingDown = true;
    this.clock.setTimeout(() => this.endForShutdown("the server had to stop before this duel ended: it does not count; join again"), this.services.timing.shutdownGraceMs);
  }

  private endForShutdown(message: string): void {
    this.endUnplayed("DUEL_SERVER_SHUTDOWN", message, msg.CLOSE_SERVER_SHUTDOWN);
  }

  override async onDispose(): Promise<void> {
    this.disposed = true;
    this.timer?.clear();
    this.bots.stop();
    await this.challenge?.list(false);
  }

  private reject(client: Client, code: ErrorCode, message: string): void {
    client.send(msg.MSG_ERROR, { code, message } satisfies msg.ErrorMessage);
  }

  private onAnswer(client: Client, payload: unknown): void {
    // A watcher without a seat (none today) has nothing to answer.
    if (!this.seats.has(client.sessionId)) return;
    const parsed = msg.parseAnswer(payload);
    if (!parsed.ok) return this.reject(client, "DUEL_BAD_MESSAGE", parsed.message);
    const refusal = this.take(client.sessionId, parsed.value.answer);
    if (refusal) return this.reject(client, refusal.code, refusal.message);
    client.send(msg.MSG_ANSWER_ACCEPTED, { round: this.state.round } satisfies msg.AnswerAcceptedMessage);
    if (this.roundComplete()) this.closeRound();
    this.flush();
  }

  /**
   * Sends the state change now instead of at the next patch tick (every 50 ms): an answer
   * shows on the opponent's screen at once, and a round starts for everyone together.
   * Right after the current callback, never inside it: broadcastPatch ticks the room's clock,
   * and a tick inside the clock's own tick (a round started by a timer, a bot's answer) walks
   * a timer list the outer tick is still walking — a crash, found by the fuzz suite. Several
   * flushes in one turn send one patch.
   */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      if (!this.disposed) this.broadcastPatch();
    });
  }

  /** Takes one player's answer for this round (clients and bots alike), or says why not. */
  private take(sessionId: string, answer: string): { code: ErrorCode; message: string } | undefined {
    const seat = this.seats.get(sessionId)!;
    const player = this.state.players.get(sessionId)!;
    // The duel is over (its result being saved): the round no longer takes answers.
    if (this.resultSent) return { code: "DUEL_NOT_IN_ROUND", message: "this duel is over" };
    const now = this.services.now();
    const { phase, round, roundEndsAt } = this.state;
    const may = rules.mayAnswer({ phase, round, roundEndsAt, now, answered: player.answered, forfeited: player.forfeited });
    if (!may.ok) return may;
    const judgement = rules.judgeAnswer(this.currentQuestion(), answer);
    if (judgement.verdict === "invalid") return { code: "DUEL_INVALID_CHOICE", message: "that is not one of the choices offered this round" };
    seat.pending = { answer, judgement, elapsedMs: now - this.roundStartedAt };
    player.answered = true;
    return undefined;
  }

  private onBotAnswer(id: string, answer: string): void {
    if (this.take(id, answer)) return;
    if (this.roundComplete()) this.closeRound();
    this.flush();
  }

  private currentQuestion(): rules.Question {
    return this.questions[this.state.round - 1];
  }

  private roundComplete(): boolean {
    return rules.roundComplete([...this.state.players.values()].map((p) => ({ answered: p.answered, active: p.connected && !p.forfeited })));
  }

  private schedule(ms: number, next: () => void): void {
    this.timer?.clear();
    this.timer = this.clock.setTimeout(next, ms);
  }

  private startCountdown(): void {
    // Locked explicitly: Colyseus unlocks a full room when someone leaves, and nobody may
    // join a duel that has started.
    void this.lock();
    // A started challenge is no longer open: its code stops leading here.
    void this.challenge?.list(false);
    const { countdownMs } = this.services.timing;
    this.state.phase = "countdown";
    this.state.phaseEndsAt = this.services.now() + countdownMs;
    this.schedule(countdownMs, () => this.startRound(1));
  }

  private startRound(round: number): void {
    const question = this.questions[round - 1];
    const now = this.services.now();
    this.roundStartedAt = now;
    for (const p of this.state.players.values()) p.answered = false;
    for (const seat of this.seats.values()) seat.pending = undefined;
    Object.assign(this.state, { phase: "round", round, prompt: question.prompt, reveal: "", roundEndsAt: now + this.state.roundMs, phaseEndsAt: now + this.state.roundMs });
    this.state.choices = new ArraySchema<string>(...question.choices);
    this.schedule(this.state.roundMs, () => this.closeRound());
    this.bots.play(question, this.state.roundMs, this.services.rng, (fn, ms) => this.clock.setTimeout(fn, ms), (id, text) => this.onBotAnswer(id, text));
    this.flush();
  }

  private closeRound(): void {
    if (this.resultSent) return;
    this.bots.stop();
    const question = this.currentQuestion();
    const results: msg.RoundResultMessage["results"] = {};
    for (const [sessionId, player] of this.state.players) {
      const seat = this.seats.get(sessionId)!;
      const { streak, ...result } = rules.roundOutcome(seat.pending, this.state.roundMs, player.streak);
      Object.assign(player, { score: player.score + result.points, streak, lastVerdict: result.verdict, lastPoints: result.points });
      seat.words.push({ prompt: question.english, verdict: result.verdict });
      results[sessionId] = result;
    }
    const { revealMs } = this.services.timing;
    Object.assign(this.state, { phase: "reveal", reveal: question.reveal, phaseEndsAt: this.services.now() + revealMs });
    this.broadcast(msg.MSG_ROUND_RESULT, { round: this.state.round, prompt: question.prompt, answer: question.reveal, accepted: question.accepted, results } satisfies msg.RoundResultMessage);
    const last = this.state.round >= this.state.totalRounds;
    this.schedule(revealMs, () => (last ? void this.finish() : this.startRound(this.state.round + 1)));
  }

  private forfeit(sessionId: string): void {
    const player = this.state.players.get(sessionId);
    if (!player || player.forfeited || this.state.phase === "finished") return;
    player.forfeited = true;
    player.connected = false;
    const remaining = [...this.state.players.values()].filter((p) => !p.forfeited).length;
    if (rules.tooFewToGoOn(remaining, this.state.practice)) void this.finish();
    else if (this.state.phase === "round" && this.roundComplete()) this.closeRound();
  }

  /**
   * The duel is over: its result is made durable (outbox or store) before anyone is told it,
   * so a crash right after can never lose a result a learner saw. If nothing can keep it,
   * the players are told the duel could not be saved instead of being shown XP they lose.
   */
  private async finish(): Promise<void> {
    if (this.resultSent) return;
    this.resultSent = true;
    this.timer?.clear();
    this.bots.stop();
    const lines = [...this.state.players.entries()].map(([id, p]) => {
      const { identity, words } = this.seats.get(id)!;
      return { sessionId: id, name: p.name, score: p.score, forfeited: p.forfeited, isBot: p.isBot, userId: identity.userId, words };
    });
    const { lang, mode, practice } = this.state;
    const { result, message } = duelResult({ matchId: randomUUID(), lang, mode: mode as rules.Mode, practice, finishedAt: this.services.now(), lines });
    try {
      await this.services.recordResult(result);
    } catch (err) {
      this.services.log.error({ err, roomId: this.roomId, matchId: result.matchId }, "word_duel: the result could not be kept anywhere; the duel ends unsaved");
      this.broadcast(msg.MSG_ERROR, { code: "INTERNAL", message: "this duel's result could not be saved: it does not count; sorry" } satisfies msg.ErrorMessage);
      return void this.disconnect(msg.CLOSE_SERVER_SHUTDOWN);
    }
    if (this.disposed) return;
    Object.assign(this.state, { phase: "finished", winner: message.winner, phaseEndsAt: 0, roundEndsAt: 0 });
    this.broadcast(msg.MSG_DUEL_RESULT, message);
    this.flush();
    this.schedule(this.shuttingDown ? 0 : this.services.timing.finishedLingerMs, () => this.disconnect());
  }
}

/**
 * A room class of the duel actor bound to one app's services and registered under `kind`
 * (Colyseus calls the static onAuth on the registered class, so both must live on it).
 */
export function bindServices(services: DuelServices, kind: DuelKind = msg.ROOM_WORD_DUEL): typeof WordDuelRoom {
  return class BoundWordDuelRoom extends WordDuelRoom {
    static override services = services;
    static override roomKind = kind;
  };
}
