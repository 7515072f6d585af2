import { ArraySchema, MapSchema, Schema, type, view } from "@colyseus/schema";

/**
 * One player of a class game. The `players` map is filtered (`@view`): each phone receives its
 * own record only, the host every record, a watcher none — so an answer or a reveal costs a
 * phone the bytes of its own line, not the whole class's.
 */
export class ClassPlayerState extends Schema {
  @type("string") name = "";
  @type("uint32") score = 0;
  @type("uint8") streak = 0;
  @type("boolean") connected = true;
  /** The last round this player answered (0 before their first answer): they have answered the current round when it equals `round`. */
  @type("uint8") answeredRound = 0;
  /** The verdict in the last revealed round, as its index in VERDICT_CODES (0 before the first reveal). */
  @type("uint8") lastVerdict = 0;
  /** Why the last verdict was "almost" (accent, typo, article); "" otherwise. */
  @type("string") lastReason = "";
  /** The points of the last revealed round (streak bonus included). */
  @type("uint16") lastPoints = 0;
  /** Place in the class after the last reveal (1 = first; equal scores share a place). */
  @type("uint16") rank = 0;
  /** XP the game earned this player: set on the podium, once the result is kept. */
  @type("uint16") xp = 0;
}

/** The live count the host screen shows during a round. Host only. */
export class ClassLiveState extends Schema {
  /** Players who have answered the current round. */
  @type("uint16") answered = 0;
}

/** How the class answered the last revealed round: a bar per choice, or the verdict counts. */
export class ClassTallyState extends Schema {
  /** Picks per choice, in the order of `choices` (choice mode; empty in typed mode). */
  @type(["uint16"]) byChoice = new ArraySchema<number>();
  @type("uint16") correct = 0;
  @type("uint16") almost = 0;
  @type("uint16") wrong = 0;
  @type("uint16") none = 0;
}

/** One line of the top five. */
export class TopEntryState extends Schema {
  @type("string") name = "";
  @type("uint32") score = 0;
}

/**
 * The state of a class game. Everything outside the filtered fields reaches every client;
 * the correct answer stays in the room's private fields until the reveal.
 */
export class ClassGameState extends Schema {
  /** The phase, as its index in CLASS_PHASES (messages.ts): 0 lobby, 1 countdown, 2 round, 3 reveal, 4 podium. */
  @type("uint8") phase = 0;
  /** The clock is frozen by the host: `phaseEnds` is 0 and `pausedLeftMs` holds what was left. */
  @type("boolean") paused = false;
  @type("uint32") pausedLeftMs = 0;
  /** The PIN players join with ("" before the host is in, and once the game is over). */
  @type("string") pin = "";
  @type("string") hostName = "";
  /** The host is connected (a dropped host has a while to come back). */
  @type("boolean") hostConnected = true;
  @type("string") lang = "";
  @type("string") mode = "";
  @type("string") direction = "";
  @type("boolean") autoAdvance = false;
  /** The host locked the game: no new player may join (those with a seat still come back). */
  @type("boolean") locked = false;
  @type("uint8") round = 0;
  @type("uint8") totalRounds = 0;
  @type("string") prompt = "";
  @type(["string"]) choices = new ArraySchema<string>();
  @type("uint32") roundMs = 0;
  /** The room's clock origin, epoch ms (set at creation). */
  @type("number") clockBase = 0;
  /** When the current phase ends, in ms after `clockBase`; 0 when it has no end (or the clock is paused). */
  @type("number") phaseEnds = 0;
  /** Players in the game (removed ones do not count). */
  @type("uint16") playerCount = 0;
  /** Watchers (no seat). */
  @type("uint16") watching = 0;
  /** In the reveal: the correct answer in typed mode (in choice mode see `revealChoice`). */
  @type("string") reveal = "";
  /** In the reveal, choice mode: the 1-based index in `choices` of the correct one (0 otherwise). */
  @type("uint8") revealChoice = 0;
  @type(["string"]) alsoAccepted = new ArraySchema<string>();
  /** How the class answered the last revealed round. */
  @type(ClassTallyState) tally = new ClassTallyState();
  /** The five best after the last reveal (on the podium: the final five). */
  @type([TopEntryState]) top = new ArraySchema<TopEntryState>();
  /** Live counts, host only. */
  @view() @type(ClassLiveState) live = new ClassLiveState();
  /** Players by key ("p1", "p2", …): each phone sees its own, the host all (see ClassPlayerState). */
  @view() @type({ map: ClassPlayerState }) players = new MapSchema<ClassPlayerState>();
  /** How long a dropped player's seat is kept, in seconds (the SDK reconnects for this long). */
  @type("uint16") reconnectSeconds = 0;
}
