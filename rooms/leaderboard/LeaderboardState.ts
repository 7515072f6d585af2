import { ArraySchema, Schema, type } from "@colyseus/schema";

/** One row of a live board. */
export class EntryState extends Schema {
  @type("uint32") rank = 0;
  @type("string") userId = "";
  @type("string") name = "";
  @type("number") score = 0;
}

/** The live top rows of one board and period. */
export class LeaderboardState extends Schema {
  @type("string") board = "";
  /** "alltime" or an ISO week such as "2026-W47". */
  @type("string") period = "";
  @type([EntryState]) entries = new ArraySchema<EntryState>();
}
