/** The leaderboard room's contract: name, join options, presence channel. */
export const ROOM_LEADERBOARD = "leaderboard";
/** Rows a live board shows. */
export const LIVE_ROWS = 10;
/** Presence channel on which recorded results name the boards they changed. */
export const BOARDS_CHANGED_CHANNEL = "leaderboards:changed";

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
