import type { Client } from "@colyseus/core";
import { authenticate, type JoinContext } from "../shared/authenticate";
import { bindRoom } from "../shared/bind-room";
import type { Identity } from "../shared/identity";
import { pickOptions, replaceOptions } from "../shared/options.rules";
import { refuse } from "../shared/public-error";
import { questionsFrom } from "../word-duel/questions";
import type { RuleWord } from "../word-duel/duel.rules";
import { admission } from "./class.rules";
import * as flow from "./class-flow.rules";
import { ClassPlay } from "./ClassPlay";
import * as msg from "./messages";
import { ClassPin } from "./pins";
import type { ClassServices } from "./services";

/** Option keys a client may send: the teacher's settings (a player joining sends none of them). */
const CLIENT_KEYS = ["lang", "lessonIds", "mode", "direction", "rounds", "roundSeconds", "autoAdvance", "host", msg.SCHEMA_OPTION] as const;

/**
 * A class game: a host (the teacher, on a projector) and up to CLASS_MAX_PLAYERS players on
 * phones who join with a PIN. The host never plays; each phone sees its own record of the
 * filtered state (ClassGameState). Who gets in, and what a leave means, is decided here;
 * the game is played out in ClassPlay. A learner who drops keeps their seat — the SDK's
 * reconnection within CLASS_RECONNECT_SECONDS, or a join with the same account at any time
 * before the podium — with the same name and score; a removed learner never gets back in.
 */
export class ClassGameRoom extends ClassPlay {
  static override services: ClassServices;
  static override roomKind = msg.ROOM_CLASS_GAME;
  private host?: Identity;

  static override async onAuth(token: string, options: Record<string, unknown>, context?: JoinContext): Promise<Identity> {
    const identity = await authenticate(this.services, token, context);
    if (options.watch === true) return identity;
    const picked = pickOptions(options, CLIENT_KEYS);
    if (!picked.ok) throw refuse("CLASS_BAD_OPTIONS", picked.message);
    replaceOptions(options, picked.value);
    return identity;
  }

  override async onCreate(options: Record<string, unknown>): Promise<void> {
    const parsed = msg.parseClassOptions(options, this.services.langs());
    if (!parsed.ok) throw refuse("CLASS_BAD_OPTIONS", parsed.message);
    const chosen = parsed.value;
    const words = this.wordsOf(chosen);
    const { classTiming: t } = this.services;
    this.table.questions = questionsFrom(this.services, words, chosen, chosen.rounds);
    const roundMs = chosen.roundSeconds ? chosen.roundSeconds * 1000 : this.services.timing.roundMs[chosen.mode];
    const { lang, mode, direction, autoAdvance } = chosen;
    Object.assign(this.state, { lang, mode, direction, autoAdvance, totalRounds: this.table.questions.length, roundMs, reconnectSeconds: t.reconnectSeconds, clockBase: this.services.now() });
    this.setMetadata({ lang, mode, direction, classGame: true });
    // Never offered by joinOrCreate: players come by PIN (joinById), the host created it.
    await this.setPrivate(true);
    // Seats held for dropped phones count as clients in Colyseus: room for all of them twice.
    this.maxClients = t.maxPlayers * 2 + 2;
    this.listen();
    this.run(flow.opening(t));
  }

  /** The words of the chosen lessons (the whole language for none), each once. */
  private wordsOf(chosen: msg.ClassOptions): RuleWord[] {
    if (chosen.lessonIds.length === 0) return [...this.services.words(chosen.lang)!];
    const words = new Set<RuleWord>();
    for (const id of chosen.lessonIds) {
      const lesson = this.services.words(chosen.lang, id);
      if (!lesson?.length) throw refuse("CLASS_BAD_OPTIONS", `no lesson "${id}" in ${chosen.lang}`);
      for (const w of lesson) words.add(w);
    }
    return [...words];
  }

  override async onJoin(client: Client, options: { host?: unknown } | undefined, identity: Identity): Promise<void> {
    const seat = this.table.seatOf(identity.userId);
    const { maxPlayers } = this.services.classTiming;
    const admitted = admission({
      removed: this.table.wasRemoved(identity.userId), watcher: this.isWatcher(client.sessionId), hosted: this.host !== undefined, isHost: identity.userId === this.host?.userId,
      asHost: options?.host === true, seated: seat !== undefined, over: this.over || this.phase === "podium", locked: this.state.locked,
      players: this.table.size, maxPlayers, name: identity.name, taken: this.table.names(),
    });
    switch (admitted.do) {
      case "refuse": throw refuse(admitted.code, admitted.message);
      case "watch": return;
      case "host": return this.seatHost(client, identity);
      case "host_back": return this.hostBack(client);
      case "player_back": return this.playerBack(client, seat!);
      case "seat":
        client.view = this.table.sit(client.sessionId, identity, admitted.name);
        void this.pin?.name(admitted.name, true).catch((err) => this.log.warn({ err }, "class_game: a name could not be listed"));
    }
  }


  private async seatHost(client: Client, identity: Identity): Promise<void> {
    this.host = identity;
    this.hostSession = client.sessionId;
    client.view = this.table.hostView;
    this.state.hostName = identity.name;
    const { lang, mode, direction, totalRounds } = this.state;
    this.pin = await ClassPin.open(this.presence, { roomId: this.roomId, lang, mode: mode as msg.ClassInfo["mode"], direction: direction as msg.ClassInfo["direction"], hostName: identity.name, totalRounds }, this.services.rng);
    this.state.pin = this.pin.pin;
  }

  /** The host on a new session (a reload, another screen): the old one is let go. */
  private hostBack(client: Client): void {
    const before = this.hostSession;
    this.held.get(before)?.reject(new Error("the host came back on another session"));
    this.clients.find((c) => c.sessionId === before)?.leave(4000);
    this.hostSession = client.sessionId;
    client.view = this.table.hostView;
    this.state.hostConnected = true;
    if (this.lastReport) client.send(msg.MSG_CLASS_REPORT, this.lastReport, { afterNextPatch: true });
  }

  /**
   * A learner back on a new session (a reload, another phone): their seat, name and score.
   * A session still holding it (a tab the server has not seen close yet) is let go.
   */
  private playerBack(client: Client, seat: { key: string; sessionId: string }): void {
    const held = this.held.get(seat.sessionId);
    if (held) held.reject(new Error("the player came back on another session"));
    else if (seat.sessionId) {
      const old = this.clients.find((c) => c.sessionId === seat.sessionId);
      old?.send(msg.MSG_ERROR, { code: "DUEL_ALREADY_JOINED", message: "you joined this game from another screen" } satisfies msg.ErrorMessage);
      old?.leave(4000);
    }
    client.view = this.table.resume(seat.key, client.sessionId);
  }

  override async onLeave(client: Client, consented: boolean): Promise<void> {
    const id = client.sessionId;
    if (this.isWatcher(id)) return;
    const isHost = id === this.hostSession;
    if (!isHost && this.table.keyOf(id) === undefined) return; // removed, or replaced by a new session
    this.markConnected(id, isHost, false);
    const seconds = this.services.classTiming.reconnectSeconds;
    if (!consented && seconds > 0 && this.phase !== "podium") {
      try {
        const wait = this.allowReconnection(client, seconds);
        this.held.set(id, wait);
        const back = await wait;
        this.held.delete(id);
        // Removed while away (the wait is ended then, but a reconnection may have won the race).
        if (!isHost && this.table.keyOf(id) === undefined) return this.closeClient(back, msg.CLOSE_REMOVED, "CLASS_REMOVED: the host removed you from this game");
        return this.markConnected(id, isHost, true);
      } catch {
        this.held.delete(id);
      }
    }
    if (isHost && id === this.hostSession) {
      this.hostSession = "";
      this.run(flow.hostGone(this.phase));
    } else if (!isHost) this.table.release(id);
  }

  private markConnected(id: string, isHost: boolean, connected: boolean): void {
    if (isHost) {
      if (id === this.hostSession) this.state.hostConnected = connected;
      return;
    }
    this.table.setConnected(id, connected);
    // A dropped phone is not waited for: the round may close without it.
    if (!connected) this.roundMayClose();
  }

  protected override onWatchersChanged(count: number): void {
    this.state.watching = count;
  }
}

/** The class game actor bound to one app's services. */
export function bindClassServices(services: ClassServices): typeof ClassGameRoom {
  return bindRoom(ClassGameRoom, { services, roomKind: msg.ROOM_CLASS_GAME });
}
