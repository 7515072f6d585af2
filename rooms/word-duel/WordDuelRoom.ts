import { randomUUID } from "node:crypto";
import type { Client } from "@colyseus/core";
import { authenticate, type JoinContext } from "../shared/authenticate";
import { bindRoom } from "../shared/bind-room";
import type { Identity } from "../shared/identity";
import { refuse } from "../shared/public-error";
import { isWatchOptions } from "../shared/watch.rules";
import { Challenge } from "./challenge";
import { DuelPlay } from "./DuelPlay";
import * as flow from "./flow.rules";
import * as msg from "./messages";
import { joinOptions, prepareJoin, rankedSetup, type DuelKind, type DuelOptions, type RankedSetup } from "./options";
import { duelQuestions } from "./questions";
import type { DuelServices } from "./services";

/**
 * A word duel: players of one language race through `totalRounds` words. The actor wires
 * the lifecycle hooks here — who gets in, what is asked, what a leave or a shutdown means,
 * each decided by flow.rules.ts — and plays the duel out in DuelPlay (rounds, answers, the
 * clock, the end); DuelTable keeps the seats and scores the rounds. One class serves three
 * room names: `word_duel` (duels, challenges and parties), `practice` (one seat) and
 * `ranked_duel` (made by the ranked queue; no client can create or join one through
 * matchmaking). Duels and parties can be watched (the matchmaking route's `watch`): a
 * watcher sees the state every player sees and takes no seat; a practice cannot be watched.
 */
export class WordDuelRoom extends DuelPlay {
  static override services: DuelServices;
  static override roomKind: DuelKind = msg.ROOM_WORD_DUEL;
  private chosen!: DuelOptions;
  /** A ranked duel: the user ids it is for. */
  private invited?: Set<string>;

  /**
   * Runs where the matchmaking request lands: checks the token and the join options. A
   * ranked_duel is refused to every client: only the ranked queue creates one and reserves
   * its seats, so what it decides (who may sit, a bot) never travels in a client's options.
   * A watcher (options `{watch: true}`, set only by the `watch` route) needs only a good token.
   */
  static override async onAuth(token: string, options: Record<string, unknown>, context?: JoinContext): Promise<Identity> {
    if (isWatchOptions(options)) {
      if (this.roomKind === msg.ROOM_PRACTICE) throw refuse("ROOM_NOT_WATCHABLE", "a practice is private: it cannot be watched");
      return authenticate(this.services, token, context);
    }
    if (this.roomKind === msg.ROOM_RANKED_DUEL) throw refuse("DUEL_NOT_INVITED", "ranked duels are joined through the ranked queue");
    const identity = await authenticate(this.services, token, context);
    prepareJoin(this.services, options, this.roomKind);
    return identity;
  }

  override async onCreate(options: Record<string, unknown>): Promise<void> {
    const kind = this.kind as DuelKind;
    const chosen = (this.chosen = joinOptions(this.services, options, kind));
    const { lang, mode, direction } = chosen;
    const practice = kind === msg.ROOM_PRACTICE;
    const { timing, rng } = this.services;
    // A review practice asks the learner's own missed words: chosen when they join (onJoin),
    // from the verified token, never from anything in the options.
    if (!chosen.review) this.table.questions = await duelQuestions(this.services, chosen);
    const party = kind === msg.ROOM_WORD_DUEL && chosen.party === true;
    this.maxClients = practice ? 1 : party ? msg.PARTY_MAX_PLAYERS : msg.DUEL_PLAYERS;
    const { reconnectSeconds } = timing;
    Object.assign(this.state, { lang, mode, direction, practice, party, totalRounds: this.table.questions.length, roundMs: timing.roundMs[mode], reconnectSeconds, clockBase: this.services.now() });
    this.setMetadata({ lang, mode, direction, practice });
    if (kind === msg.ROOM_RANKED_DUEL) await this.openRanked(rankedSetup(options));
    this.run(flow.opening({ ranked: this.state.ranked, practice }, timing));
    if (chosen.challenge || party) {
      await this.setPrivate(true);
      this.challenge = await Challenge.open(this.presence, { roomId: this.roomId, lang, mode, direction, ...(party ? { party: true as const } : {}) }, rng);
      this.state.challengeCode = this.challenge.code;
    }
    this.handle(msg.MSG_ANSWER, (client, payload) => this.onAnswer(client, payload));
    this.handle(msg.MSG_START, (client) => this.onStart(client));
  }

  /** The `start` message: the party's creator starts it (see flow.startParty). */
  private onStart(client: Client): void {
    const { party, creator } = this.state;
    const connected = [...this.state.players.values()].filter((p) => p.connected).length;
    const decision = flow.startParty({ party, phase: this.phase, fromCreator: creator === client.sessionId, connected }, this.services.now(), this.services.timing);
    if (!decision.ok) return this.reject(client, decision.code, decision.message);
    this.run(decision.effects);
  }

  /** The number of watchers, on the wire. */
  protected override onWatchersChanged(count: number): void {
    this.state.watching = count;
  }

  /** A duel the ranked queue made: private, for the paired learners only (plus a bot when nobody fitted). */
  private async openRanked({ invited, bot }: RankedSetup): Promise<void> {
    await this.setPrivate(true);
    this.invited = new Set(invited);
    this.state.ranked = true;
    this.maxClients = invited.length + (bot ? 1 : 0);
    if (!bot) return;
    const id = this.bots.add(randomUUID(), bot.rating);
    this.table.sit(id, { userId: id, name: bot.name, guest: true }, true);
  }

  override async onJoin(client: Client, options: { code?: unknown } | undefined, identity: Identity): Promise<void> {
    // A watcher takes no seat: it only sees the state (its count is onWatchersChanged's). A
    // private duel still waiting shows its code in the state: not to a watcher.
    if (this.isWatcher(client.sessionId)) {
      if (this.challenge && this.phase === "waiting") throw refuse("ROOM_NOT_WATCHABLE", "this private duel has not started yet: watch it once it starts");
      return;
    }
    // A private duel's seats after its creator's are for those who have its code.
    if (this.challenge && this.state.players.size > 0 && options?.code !== this.challenge.code) throw refuse("CHALLENGE_NOT_FOUND", "this private duel is joined with its code: ask your friend for it");
    if (this.invited && !this.invited.has(identity.userId)) throw refuse("DUEL_NOT_INVITED", "this ranked duel is for the learners the queue paired");
    // One seat per account: a second tab would play against itself (and its result would
    // credit one learner twice).
    if (this.table.holds(identity.userId)) throw refuse("DUEL_ALREADY_JOINED", "you are already in this duel (in another tab?)");
    if (this.chosen.review && this.table.questions.length === 0) {
      this.table.questions = await duelQuestions(this.services, this.chosen, identity.userId);
      this.state.totalRounds = this.table.questions.length;
    }
    this.table.sit(client.sessionId, identity, false);
    if (this.state.party && this.state.creator === "") this.state.creator = client.sessionId;
    this.startWhenAllThere();
  }

  /** A duel starts once every seat has its learner there (a held seat of one who dropped waits for them). */
  private startWhenAllThere(): void {
    const there = [...this.state.players.values()].filter((p) => p.connected).length;
    this.run(flow.afterJoin({ phase: this.phase, seated: there, seats: this.maxClients, party: this.state.party }, this.services.now(), this.services.timing));
  }

  override async onLeave(client: Client, consented: boolean): Promise<void> {
    const id = client.sessionId;
    const player = this.state.players.get(id);
    if (!player) return;
    const leave = flow.departure({ phase: this.phase, consented, kicked: this.table.kicked(id), over: this.over }, this.services.timing);
    if (leave.do === "vacate") return this.vacate(id);
    player.connected = false;
    if (leave.do === "mark_gone") return;
    if (leave.do === "hold_seat") {
      try {
        await this.allowReconnection(client, leave.seconds);
        player.connected = true;
        // Back in a duel that fell back to waiting meanwhile (and filled again): it starts now.
        return this.startWhenAllThere();
      } catch {
        // The window closed without the player coming back: a forfeit, or a seat given up.
        if (flow.windowClosed(this.phase).do === "vacate") return this.vacate(id);
      }
    }
    if (!flow.mayForfeit(this.phase, player)) return;
    Object.assign(player, { forfeited: true, connected: false });
    this.run(flow.afterForfeit({ phase: this.phase, practice: this.state.practice, players: this.table.players }));
  }

  /** A seat given up before the first round: see flow.afterVacate. */
  private vacate(id: string): void {
    const next = flow.afterVacate(this.phase, this.state.ranked, this.services.timing);
    this.table.free(id);
    if (this.state.party) this.state.creator = flow.creatorAfter(this.state.creator, id, [...this.state.players.keys()]);
    this.run(next);
  }

  /** The server is stopping (SIGTERM): see flow.shutdown. */
  override onBeforeShutdown(): void {
    this.run(flow.shutdown(this.phase, this.services.timing));
  }
}

/** The duel actor bound to one app's services and registered under `kind`. */
export function bindServices(services: DuelServices, kind: DuelKind = msg.ROOM_WORD_DUEL): typeof WordDuelRoom {
  return bindRoom(WordDuelRoom, { services, roomKind: kind });
}
