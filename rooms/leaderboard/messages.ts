/** The leaderboard room's contract: name, join options, presence channel. */
export const ROOM_LEADERBOARD = "leaderboard";
/** Rows a live board shows. */
export const LIVE_ROWS = 10;
/**
 * Presence channel on which recorded results publish the rows they set, by board:
 * `{ "<board>|<period>": [{ userId, name, score }, …] }`, and new names for every board:
 * `{ "*": [{ userId, name }] }` (see {@link ChangedRows}).
 */
export const BOARDS_CHANGED_CHANNEL = "leaderboards:changed";

/** The key of {@link ChangedRows} that names every board (a learner's new name). */
export const EVERY_BOARD = "*";

/** A row a recorded result set, as the live boards hear of it; no score for a new name alone. */
export interface ChangedRow {
  userId: string;
  name: string;
  score?: number;
}

/** What one message on {@link BOARDS_CHANGED_CHANNEL} carries: rows by board key. */
export type ChangedRows = Record<string, ChangedRow[]>;

/** Join options: `{ board: "global" | "<lang>" | "rating-<lang>", period?: "alltime" | "weekly" }`. */
export interface LeaderboardJoinOptions {
  board: string;
  period?: "alltime" | "weekly";
}

/** A board and a period: "alltime" or an ISO week such as "2026-W47". */
export interface BoardRef {
  board: string;
  period: string;
}

/** One row of a board (the room's state and the HTTP API show the same rows). */
export interface LeaderboardEntry {
  rank: number;
  userId: string;
  name: string;
  score: number;
}
