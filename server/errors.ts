/**
 * The error catalogue: every code the server answers with, over HTTP
 * (`{error:{code,message}}`) and in rooms (join refusals and `error` messages).
 */
export const ERROR_CODES = {
  /** The request body or query is not what the route takes. */
  BAD_REQUEST: 400,
  /** The request body is larger than the limit. */
  BODY_TOO_LARGE: 413,
  /** No route at this path. */
  NOT_FOUND: 404,
  /** Too many requests from this address; retry later. */
  RATE_LIMITED: 429,
  /** Something failed on our side; the log has the detail. */
  INTERNAL: 500,
  /** The server is shutting down or not ready. */
  UNAVAILABLE: 503,
  /** The cluster's Redis cannot be reached: matchmaking is paused (running duels go on); retry shortly. */
  CLUSTER_UNAVAILABLE: 503,
  /** No token, or not a Bearer token. */
  AUTH_MISSING_TOKEN: 401,
  /** The token is forged, malformed, signed with another algorithm or key. */
  AUTH_BAD_TOKEN: 401,
  /** The token has expired: sign in again. */
  AUTH_TOKEN_EXPIRED: 401,
  /** Wrong username or password. */
  AUTH_BAD_CREDENTIALS: 401,
  /** Someone already has that username. */
  AUTH_USERNAME_TAKEN: 409,
  /** The token's user no longer exists. */
  AUTH_UNKNOWN_USER: 401,
  /** The language code is not one on offer. */
  LESSON_UNKNOWN_LANG: 400,
  /** No lesson with that id. */
  LESSON_NOT_FOUND: 404,
  /** An offline practice of a lesson the server does not have (removed since the device kept it). */
  OFFLINE_UNKNOWN_LESSON: 422,
  /** An offline practice answers a word its lesson does not have. */
  OFFLINE_UNKNOWN_WORD: 422,
  /** An offline practice answers one word twice. */
  OFFLINE_REPEATED_WORD: 422,
  /** An offline practice's counts or times are not a person's (too fast, too long, more answers than words). */
  OFFLINE_IMPLAUSIBLE: 422,
  /** An offline practice older than OFFLINE_MAX_AGE_DAYS. */
  OFFLINE_TOO_OLD: 422,
  /** An offline practice that ends in the future (the device's clock is wrong). */
  OFFLINE_IN_FUTURE: 422,
  /** The learner sent more offline practices for that day than OFFLINE_PRACTICES_PER_DAY. */
  OFFLINE_TOO_MANY: 422,
  /** An interface language the game does not speak (en, es, fr, de, it, pt). */
  ME_BAD_UI_LANGUAGE: 400,
  /** No open challenge has that code (mistyped, or the duel started or ended). */
  CHALLENGE_NOT_FOUND: 404,
  /** The join options of a room are missing or wrong. */
  DUEL_BAD_OPTIONS: 400,
  /** A message payload is malformed. */
  DUEL_BAD_MESSAGE: 400,
  /** An answer arrived outside a round (countdown, reveal, finished). */
  DUEL_NOT_IN_ROUND: 409,
  /** This player already answered this round; only the first answer counts. */
  DUEL_ALREADY_ANSWERED: 409,
  /** The answer arrived after the round's deadline. */
  DUEL_TOO_LATE: 409,
  /** In choice mode, the answer is not one of the four options. */
  DUEL_INVALID_CHOICE: 400,
  /** The client sends messages too fast; extra messages are ignored. */
  DUEL_RATE_LIMITED: 429,
  /** The server is stopping: a duel not started, or not finished in time, ends here. */
  DUEL_SERVER_SHUTDOWN: 503,
  /** A ranked duel is only for the learners the queue paired. */
  DUEL_NOT_INVITED: 403,
  /** The paired opponent never arrived: the duel is called off; queue again. */
  DUEL_NO_SHOW: 410,
  /** This account is already waiting in a ranked queue (another tab or language). */
  QUEUE_ALREADY_QUEUED: 409,
  /** This account already has a seat in this duel (another tab): one seat per account. */
  DUEL_ALREADY_JOINED: 409,
  /** Nobody joined the duel within DUEL_WAITING_TIMEOUT_MS: it is closed; look for another. */
  DUEL_WAIT_EXPIRED: 408,
  /** `start` came from a player other than the party's creator (the first seated): only they start it. */
  DUEL_NOT_CREATOR: 403,
  /** `start` with fewer than PARTY_MIN_PLAYERS (3) players seated and connected: wait for more friends. */
  DUEL_PARTY_TOO_FEW: 409,
  /** `start` in a duel that is not a party (a duel starts by itself when full) or that has started already. */
  DUEL_NOT_STARTABLE: 409,
  /** A watcher sent a message: watching is read-only. */
  ROOM_WATCH_ONLY: 403,
  /** This room already has WATCHERS_PER_ROOM watchers: try again later. */
  ROOM_WATCHERS_FULL: 409,
  /** This room cannot be watched (a practice is private learning). */
  ROOM_NOT_WATCHABLE: 403,
  /** A WebSocket frame broke the room protocol (malformed, or a message the room does not take): the socket is closed. */
  ROOM_BAD_FRAME: 400,
  /** A class game's settings are missing or wrong (language, lessons, mode, rounds, round length). */
  CLASS_BAD_OPTIONS: 400,
  /** No open class game has that PIN (mistyped, or the game is over). */
  CLASS_NOT_FOUND: 404,
  /** The class game has CLASS_MAX_PLAYERS players already. */
  CLASS_FULL: 409,
  /** Someone in this class game already has that name (case and accents folded): choose another. */
  CLASS_NAME_TAKEN: 409,
  /** The name is too short or long, has characters a name cannot have, or the profanity filter refuses it. */
  CLASS_NAME_REFUSED: 400,
  /** The host removed this learner from the class game: they cannot come back. */
  CLASS_REMOVED: 403,
  /** The class game is over (or was closed before it started). */
  CLASS_ENDED: 410,
  /** Only the class game's host can do that, and the host does not answer. */
  CLASS_HOST_ONLY: 403,
  /** The host's command does not apply now (start after the start, next while paused, …): the message says why. */
  CLASS_NOT_NOW: 409,
  /** `remove` named a player who is not in the game. */
  CLASS_NO_SUCH_PLAYER: 404,
  /** The host locked the class game: no new players (those with a seat still come back). */
  CLASS_LOCKED: 423,
  /** The host's own account joined as a player: the host screen is theirs; play from another account. */
  CLASS_IS_HOST: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Longest piece of a client's own text an error sentence repeats back. */
const ECHO_MAX = 40;

/**
 * A client's text as an error sentence repeats it: quoted, cut to 40 characters (a board
 * name or lesson id can be 16 KB of path).
 * @example echo("es-food") // "\"es-food\""
 */
export function echo(text: string): string {
  return JSON.stringify(text.length > ECHO_MAX ? `${text.slice(0, ECHO_MAX)}…` : text);
}

/** An error a route throws to answer the caller plainly. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = ERROR_CODES[code],
  ) {
    super(message);
    this.name = "AppError";
  }
}
