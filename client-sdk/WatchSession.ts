import { DuelSession, type DuelEvents, type DuelView } from "./DuelSession";
import type { Matchmaker, Seat } from "./Matchmaker";

/**
 * A read-only view of a running duel or party: the same state and events a player's
 * DuelSession has (`state`, `phase`, `round`, `reveal`, `result`, `error`, `closed`), without
 * `answer()` or `start()`; the watcher takes no seat. Created by `LinguaLeapClient.watch()`.
 * A watcher has no reconnection window: a dropped watch ends (`closed`); watch again.
 * @example
 * const watch = await ll.watch(roomId);
 * watch.on("state", (v) => render(v, `${v.watching} watching`));
 * watch.on("result", (r) => console.log(r.standings[0].name, "won"));
 */
export class WatchSession {
  private readonly duel: DuelSession;

  /** Use `LinguaLeapClient.watch()`. */
  constructor(matchmaker: Matchmaker, seat: Seat) {
    this.duel = new DuelSession(matchmaker, seat, { reconnectForMs: 0 });
  }

  /** The id of the room watched. */
  get roomId(): string {
    return this.duel.roomId;
  }

  /** This watcher's id in the room (never one of the players'). */
  get sessionId(): string {
    return this.duel.sessionId;
  }

  /** The latest snapshot, or undefined before the first state arrives. */
  get view(): DuelView | undefined {
    return this.duel.view;
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes.
   * @example const off = watch.on("reveal", (r) => console.log(r.answer)); off();
   */
  on<K extends keyof DuelEvents>(event: K, listener: (payload: DuelEvents[K]) => void): () => void {
    return this.duel.on(event, listener);
  }

  /**
   * Stops watching.
   * @example await watch.leave();
   */
  leave(): Promise<void> {
    return this.duel.leave();
  }
}
