import type { Room } from "colyseus.js";
import type { LeaderboardRow } from "../server/http/api.types";

/**
 * The live top rows of one leaderboard, from `LinguaLeapClient.watchLeaderboard()`: `rows`
 * is always the latest, and `change` fires when a recorded duel moves them.
 * @example
 * const live = await ll.watchLeaderboard("es", "weekly");
 * live.on("change", (rows) => render(rows));
 * await live.close();
 */
export class LiveBoard {
  /** The rows as of now, best first. */
  rows: LeaderboardRow[] = [];
  /** "alltime" or the ISO week shown, e.g. "2026-W47". */
  period = "";
  private listeners = new Set<(rows: LeaderboardRow[]) => void>();

  /** Use `LinguaLeapClient.watchLeaderboard()`. */
  constructor(private readonly room: Room) {
    room.onStateChange((state: any) => {
      this.period = state.period;
      this.rows = [...(state.entries ?? [])].map((e: any) => ({ rank: e.rank, userId: e.userId, name: e.name, score: e.score }));
      for (const l of this.listeners) l(this.rows);
    });
  }

  /**
   * Calls `listener` with the rows each time they change; returns a function that stops it.
   * @example const off = live.on("change", (rows) => console.log(rows[0]?.name)); off();
   */
  on(_event: "change", listener: (rows: LeaderboardRow[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops watching.
   * @example await live.close();
   */
  async close(): Promise<void> {
    this.listeners.clear();
    if (this.room.connection.isOpen) await this.room.leave(true);
  }
}
