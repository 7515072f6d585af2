import { MapSchema, ArraySchema, Schema, type } from "@colyseus/schema";

/** One player of a duel, as every client sees them. */
export class PlayerState extends Schema {
  @type("string") name = "";
  @type("number") score = 0;
  @type("number") streak = 0;
  @type("boolean") connected = true;
  /**
   * The last round this player answered (0 before their first answer): they have answered
   * the current round when it equals `round`. Set once per answer, never reset.
   */
  @type("uint8") answeredRound = 0;
  @type("boolean") isBot = false;
  @type("boolean") forfeited = false;
  /**
   * This player's verdict in the last revealed round, as its index in VERDICT_CODES
   * (messages.ts): 0 before the first reveal, then correct, almost, wrong, none. The round's
   * points are the change in `score`.
   */
  @type("uint8") lastVerdict = 0;
  /** Why the last verdict was "almost" (accent, typo); "" otherwise. */
  @type("string") lastReason = "";
  /**
   * What this player answered in the last revealed round when it was not correct: the
   * 1-based index of the choice they picked (choice mode), else the text as sent in
   * `lastAnswer`; 0 and "" when it was correct, or when they did not answer.
   */
  @type("uint8") lastChoice = 0;
  @type("string") lastAnswer = "";
}

/**
 * The public state of a word duel. Everything here reaches every client: the correct answer
 * stays in the room's private fields until the reveal.
 */
export class WordDuelState extends Schema {
  /** The phase, as its index in PHASES (messages.ts): 0 waiting, 1 countdown, 2 round, 3 reveal, 4 finished. */
  @type("uint8") phase = 0;
  @type("string") lang = "";
  @type("string") mode = "";
  @type("string") direction = "";
  @type("boolean") practice = false;
  /** Made by the ranked queue (against a learner of about your rating, or a bot). */
  @type("boolean") ranked = false;
  /** A private challenge's (or party's) code, to pass to a friend ("" for public duels). */
  @type("string") challengeCode = "";
  /** A party: up to PARTY_MAX_PLAYERS friends; it starts when its creator sends `start`. */
  @type("boolean") party = false;
  /** The sessionId of the player who may start a party (the first seated; the next one if they leave before it starts); "" otherwise. */
  @type("string") creator = "";
  @type("uint8") round = 0;
  @type("uint8") totalRounds = 0;
  @type("string") prompt = "";
  @type(["string"]) choices = new ArraySchema<string>();
  /** Length of a round in ms, so clients can draw the countdown bar. */
  @type("number") roundMs = 0;
  /** The room's clock origin, epoch ms (set at creation, so it reaches a client once). */
  @type("number") clockBase = 0;
  /**
   * When the current phase ends, in ms after `clockBase`: the countdown, the round (answers
   * after it are late), the reveal; 0 when it has no end.
   */
  @type("number") phaseEnds = 0;
  @type({ map: PlayerState }) players = new MapSchema<PlayerState>();
  /** The correct answer, set only in the reveal phase: in typed mode (in choice mode see `revealChoice`). */
  @type("string") reveal = "";
  /** In choice mode, the 1-based index in `choices` of the correct one, set only in the reveal phase (0 otherwise). */
  @type("uint8") revealChoice = 0;
  /** The round's other accepted answers, set only in the reveal phase (typed mode mostly; empty when there are none). */
  @type(["string"]) alsoAccepted = new ArraySchema<string>();
  /** Winner's sessionId; "" for a draw (or before the end). */
  @type("string") winner = "";
  /**
   * How long the server keeps a dropped player's seat (RECONNECT_SECONDS): set at creation,
   * so it reaches the client once, with the first state. The SDK reconnects for this long.
   */
  @type("uint16") reconnectSeconds = 0;
  /** How many watchers follow the duel (read-only, no seat). */
  @type("uint16") watching = 0;
}
