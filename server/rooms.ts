/**
 * The rooms this server offers, defined on the Colyseus server with the services each one
 * gets (server/services.ts), and the rooms of those types living in this process: the
 * metrics read them, the process watch lists them for the cluster, a drain waits for them
 * to go. The one place that names every room type; rooms/ knows nothing of this file.
 */
import type { Room, Server } from "colyseus";
import type { ProcessWatch } from "./cluster";
import { Comeback } from "./waiting";
import { boardServices, classServices, duelServices, queueServices, type ServiceDeps } from "./services";
import { bindClassServices } from "../rooms/class-game/ClassGameRoom";
import { ROOM_CLASS_GAME } from "../rooms/class-game/messages";
import { bindQueueServices } from "../rooms/ranked-queue/RankedQueueRoom";
import { ROOM_RANKED_QUEUE } from "../rooms/ranked-queue/messages";
import { bindLeaderboardServices } from "../rooms/leaderboard/LeaderboardRoom";
import { ROOM_LEADERBOARD } from "../rooms/leaderboard/messages";
import { bindServices } from "../rooms/word-duel/WordDuelRoom";
import { ROOM_PRACTICE, ROOM_RANKED_DUEL, ROOM_WORD_DUEL } from "../rooms/word-duel/messages";

/** The rooms living in this process, and the room types they may be. */
export class LiveRooms {
  /** The rooms living in this process. */
  readonly rooms = new Set<Room>();
  private types: string[] = [];
  /** Released when the last room is gone (every waiter shares it). */
  private readonly gone = new Comeback();

  /** @param watch Lists each room for the cluster while it lives; absent without Redis. */
  constructor(private readonly watch?: Pick<ProcessWatch, "track" | "untrack">) {}

  /** Room types defined on this server ("word_duel", …); empty until {@link defineRooms}. */
  get names(): readonly string[] {
    return this.types;
  }

  /** Resolves once no room lives in this process (at once when none does). */
  empty(): Promise<void> {
    if (this.rooms.size === 0) return Promise.resolve();
    return this.gone.wait();
  }

  /** Follows every room of this type from its creation to its disposal. */
  follow(handler: ReturnType<Server["define"]>): void {
    this.types.push(handler.name);
    handler
      .on("create", (room: Room) => (this.rooms.add(room), this.watch?.track(room)))
      .on("dispose", (room: Room) => (this.rooms.delete(room), this.watch?.untrack(room), this.rooms.size === 0 && this.gone.release()));
  }
}

/**
 * Defines every room type on `gameServer`, bound to its services, each filtered by the
 * options that keep learners apart (language, mode, direction, lesson; board and period;
 * the ranked queue's `shard`, the process its onAuth ran on: one queue per language and process).
 */
export function defineRooms(gameServer: Server, deps: ServiceDeps, live: LiveRooms): void {
  const duel = duelServices(deps);
  const handlers = [
    gameServer.define(ROOM_WORD_DUEL, bindServices(duel, ROOM_WORD_DUEL)).filterBy(["lang", "mode", "direction", "lessonId", "party", "challenge"]),
    gameServer.define(ROOM_PRACTICE, bindServices(duel, ROOM_PRACTICE)),
    gameServer.define(ROOM_RANKED_DUEL, bindServices(duel, ROOM_RANKED_DUEL)),
    gameServer.define(ROOM_RANKED_QUEUE, bindQueueServices(queueServices(deps, duel))).filterBy(["lang", "shard"]),
    gameServer.define(ROOM_CLASS_GAME, bindClassServices(classServices(deps, duel))),
    gameServer.define(ROOM_LEADERBOARD, bindLeaderboardServices(boardServices(deps))).filterBy(["board", "period"]),
  ];
  for (const handler of handlers) live.follow(handler);
}
