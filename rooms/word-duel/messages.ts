/**
 * The word_duel wire contract in one place: room names, join options, message names and
 * payload validators. The room and client-sdk both import this file.
 * Validators never throw: they return `{ ok: true, value }` or `{ ok: false, message }`.
 */

/** Registered room names. */
export const ROOM_WORD_DUEL = "word_duel";
export const ROOM_PRACTICE = "practice";
/** A ranked duel: made by the ranked queue, which reserves its seats; no client can create or join one through matchmaking. */
export const ROOM_RANKED_DUEL = "ranked_duel";

/** Client → server. */
export const MSG_ANSWER = "answer";
/** Client → server, no payload: the party's creator starts it (PARTY_MIN_PLAYERS seated and connected). */
export const MSG_START = "start";

/** Seats of a duel or challenge. */
export const DUEL_PLAYERS = 2;
/** Most seats of a party (a word_duel created with `party: true`). */
export const PARTY_MAX_PLAYERS = 8;
/** Fewest players, seated and connected, a party starts with. */
export const PARTY_MIN_PLAYERS = 3;

/**
 * Server → client. Everything else a learner sees is in the state, once: an accepted answer
 * is the player's `answered`, a round's outcome its reveal fields (WordDuelState.ts).
 */
export const MSG_DUEL_RESULT = "duel_result";
export const MSG_ERROR = "error";

/**
 * Join option: the id of the duel's state schema the client has compiled in
 * (rooms/shared/schema-id.ts). When it matches the server's, the join handshake carries a
 * short mark instead of the schema's description (about 670 bytes).
 */
export const SCHEMA_OPTION = "schema";

export * from "../shared/close-codes";

/** Presence hash: challenge (or party) code → JSON {roomId, lang, mode, direction, party?}. */
export const CHALLENGES_KEY = "lingualeap:challenges";
/** Challenge codes: 6 characters without look-alikes (no 0/O, 1/I/L). */
export const CHALLENGE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CHALLENGE_CODE_LENGTH = 6;

/** What a challenge code leads to. */
export interface ChallengeInfo {
  roomId: string;
  lang: string;
  mode: Mode;
  direction: Direction;
  /** The code is a party's (3–8 friends, started by its creator). */
  party?: true;
}

/** Phases of a duel, in order; on the wire (WordDuelState.phase, one byte) a phase is its index here. */
export const PHASES = ["waiting", "countdown", "round", "reveal", "finished"] as const;
export type Phase = (typeof PHASES)[number];

/** A phase from its wire code ("waiting" for a code this build does not know). */
export const phaseOf = (code: number): Phase => PHASES[code] ?? "waiting";

/** A deadline on the wire (ms after the room's `clockBase`, 0 for none) as epoch ms (0 for none). */
export const deadlineOf = (clockBase: number, ends: number): number => (ends > 0 ? clockBase + ends : 0);

/** "choice": four options to pick from; "typed": the learner types the translation. */
export const MODES = ["choice", "typed"] as const;
export type Mode = (typeof MODES)[number];
/** Which side is shown: "en-target" shows English and asks for the target language. */
export const DIRECTIONS = ["en-target", "target-en"] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** A player's outcome of one round ("none": no answer). */
export const VERDICTS = ["correct", "almost", "wrong", "none"] as const;
export type Verdict = (typeof VERDICTS)[number];
/**
 * A verdict on the wire (PlayerState.lastVerdict, one byte): its index here; 0 before the
 * first reveal.
 */
export const VERDICT_CODES = ["", ...VERDICTS] as const;
/** Why an answer was "almost": a missing/wrong accent, one typo, or an article that disagrees with the answer's. */
export type AlmostReason = "accent" | "typo" | "article";

/** Longest answer the server reads, in characters. */
export const MAX_ANSWER_LENGTH = 100;

/** Join options of word_duel and practice. */
export interface DuelJoinOptions {
  lang: string;
  mode: Mode;
  direction: Direction;
  /** Play the words of one lesson (practice, or a duel between friends on one lesson). */
  lessonId?: string;
  /** practice only: bring back the words this learner misses most. */
  review?: boolean;
  /** word_duel only: a private duel a friend joins with its code (see CHALLENGES_KEY). */
  challenge?: boolean;
  /** word_duel only, when creating: a private party of up to PARTY_MAX_PLAYERS friends, with a code like a challenge's; its creator starts it. */
  party?: boolean;
  /** word_duel only, joining a private duel (challenge or party) by its room id: its code, which the room checks (a room id alone, from a watch link, is no invitation). */
  code?: string;
  /** See {@link SCHEMA_OPTION}. */
  schema?: string;
}

/** `answer` payload. */
export interface AnswerMessage {
  answer: string;
}

/**
 * One player's final line, the one shape of a standing: the end-of-duel rules (duel.rules.ts)
 * read its sessionId, score and forfeited; the SDK shows it, from the state's players and
 * `duel_result`'s xp.
 */
export interface Standing {
  sessionId: string;
  name: string;
  score: number;
  forfeited: boolean;
  isBot: boolean;
  /** XP this duel earned the player (see the XP table in rooms/word-duel/worth.rules.ts). */
  xp: number;
}

/**
 * `duel_result` payload, sent to everyone once the duel's result is kept, right after the
 * patch of its final state (phase `finished`, `winner`, the final scores): the XP each
 * player earned, by sessionId, in ranked order (best first). Names, scores and forfeits
 * are in the state.
 */
export interface DuelResultMessage {
  matchId: string;
  xp: Record<string, number>;
}

/** `error` payload: what went wrong with the last thing this client sent. */
export interface ErrorMessage {
  code: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * Validates an `answer` payload.
 * @example parseAnswer({ answer: "la manzana" }) // { ok: true, value: { answer: "la manzana" } }
 */
export function parseAnswer(payload: unknown): Parsed<AnswerMessage> {
  if (!isRecord(payload) || typeof payload.answer !== "string") {
    return { ok: false, message: 'an answer is an object like {"answer": "text"}' };
  }
  if (payload.answer.length > MAX_ANSWER_LENGTH) {
    return { ok: false, message: `an answer is at most ${MAX_ANSWER_LENGTH} characters` };
  }
  return { ok: true, value: { answer: payload.answer } };
}

/**
 * Validates join options against the languages on offer; fills the default direction.
 * @example parseJoinOptions({ lang: "es", mode: "typed" }, ["es"]) // ok, direction "en-target"
 */
export function parseJoinOptions(options: unknown, langs: readonly string[]): Parsed<DuelJoinOptions> {
  const o = isRecord(options) ? options : {};
  if (typeof o.lang !== "string" || o.lang === "") {
    return { ok: false, message: `the "lang" option is required: one of ${langs.join(", ")}` };
  }
  if (!langs.includes(o.lang)) return { ok: false, message: `unknown lang "${o.lang}": use one of ${langs.join(", ")}` };
  if (typeof o.mode !== "string" || !(MODES as readonly string[]).includes(o.mode)) {
    return { ok: false, message: `the "mode" option must be one of ${MODES.join(", ")}` };
  }
  const direction = o.direction ?? "en-target";
  if (typeof direction !== "string" || !(DIRECTIONS as readonly string[]).includes(direction)) {
    return { ok: false, message: `the "direction" option must be one of ${DIRECTIONS.join(", ")}` };
  }
  if (o.lessonId !== undefined && o.lessonId !== "" && (typeof o.lessonId !== "string" || !/^[a-z]{2}-[a-z0-9-]{1,60}$/.test(o.lessonId))) {
    return { ok: false, message: 'the "lessonId" option must be a lesson id such as "es-food"' };
  }
  if (o.schema !== undefined && (typeof o.schema !== "string" || !/^[0-9a-f]{8}$/.test(o.schema))) {
    return { ok: false, message: 'the "schema" option must be a schema id (8 hex digits) or absent' };
  }
  const value: DuelJoinOptions = { lang: o.lang, mode: o.mode as Mode, direction: direction as Direction };
  if (typeof o.lessonId === "string" && o.lessonId !== "") value.lessonId = o.lessonId;
  if (typeof o.schema === "string") value.schema = o.schema;
  return { ok: true, value };
}
