import type { Room } from "colyseus.js";
import type { LeaderboardRow } from "../server/http/api.types";

/** A plain snapshot of a leaderboard room's state (docs/protocol/rooms.md, LeaderboardState). */
export interface BoardView {
  /** The board: "global", a language code, or "rating-<lang>". */
  board: string;
  /** "alltime" or the ISO week shown, e.g. "2026-W47". */
  period: string;
  /** The top rows, best first. */
  entries: LeaderboardRow[];
}

/**
 * The live top rows of one leaderboard, from `LinguaLeapClient.watchLeaderboard()`: `rows`
 * is always the latest, and `change` fires when a recorded duel moves them.
 * @example
 * const live = await ll.watchLeaderboard("es", "weekly");
 * live.on("change", (rows) => render(rows));
 * await live.close();
 */
export class LiveBoard {
  /** The latest snapshot of the board. */
  view: BoardView = { board: "", period: "", entries: [] };
  private listeners = new Set<(rows: LeaderboardRow[]) => void>();

  /** Use `LinguaLeapClient.watchLeaderboard()`. */
  constructor(private readonly room: Room) {
    room.onStateChange((state: { board: string; period: string; entries?: Iterable<LeaderboardRow> }) => {
      this.view = {
        board: state.board,
        period: state.period,
        entries: [...(state.entries ?? [])].map((e) => ({ rank: e.rank, userId: e.userId, name: e.name, score: e.score })),
      };
      for (const l of this.listeners) l(this.rows);
    });
  }

  /** The rows as of now, best first (`view.entries`). */
  get rows(): LeaderboardRow[] {
    return this.view.entries;
  }

  /** "alltime" or the ISO week shown, e.g. "2026-W47" (`view.period`). */
  get period(): string {
    return this.view.period;
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
