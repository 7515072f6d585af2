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

/** Server → client. */
export const MSG_ANSWER_ACCEPTED = "answer_accepted";
export const MSG_ROUND_RESULT = "round_result";
export const MSG_DUEL_RESULT = "duel_result";
export const MSG_ERROR = "error";

export * from "../shared/close-codes";

/** Presence hash: challenge code → JSON {roomId, lang, mode, direction}. */
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
}

/** Phases of a duel, in order. */
export const PHASES = ["waiting", "countdown", "round", "reveal", "finished"] as const;
export type Phase = (typeof PHASES)[number];

/** "choice": four options to pick from; "typed": the learner types the translation. */
export const MODES = ["choice", "typed"] as const;
export type Mode = (typeof MODES)[number];
/** Which side is shown: "en-target" shows English and asks for the target language. */
export const DIRECTIONS = ["en-target", "target-en"] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** A player's outcome of one round ("none": no answer). */
export const VERDICTS = ["correct", "almost", "wrong", "none"] as const;
export type Verdict = (typeof VERDICTS)[number];
/** Why an answer was "almost": a missing/wrong accent or one typo. */
export type AlmostReason = "accent" | "typo";

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
}

/** `answer` payload. */
export interface AnswerMessage {
  answer: string;
}

/** `answer_accepted` payload: the server took your answer for this round. */
export interface AnswerAcceptedMessage {
  round: number;
}

/** One player's outcome in `round_result`. */
export interface PlayerRoundResult {
  verdict: Verdict;
  /** Why an answer was "almost". */
  reason?: AlmostReason;
  points: number;
  /** What the player answered ("" when they did not). */
  answer: string;
}

/** `round_result` payload, sent to everyone when a round closes. */
export interface RoundResultMessage {
  round: number;
  prompt: string;
  /** The main correct answer (also in state.reveal). */
  answer: string;
  /** Every accepted answer. */
  accepted: string[];
  results: Record<string, PlayerRoundResult>;
}

/**
 * One player's line in `duel_result`, and the one shape of a standing: the end-of-duel rules
 * (duel.rules.ts) read its sessionId, score and forfeited.
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

/** `duel_result` payload, sent to everyone when the duel is finished. */
export interface DuelResultMessage {
  matchId: string;
  winner: string;
  standings: Standing[];
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
  const value: DuelJoinOptions = { lang: o.lang, mode: o.mode as Mode, direction: direction as Direction };
  if (typeof o.lessonId === "string" && o.lessonId !== "") value.lessonId = o.lessonId;
  return { ok: true, value };
}
