/**
 * The class_game wire contract in one place: the room name, the options a teacher creates a
 * game with, the host's and the players' messages and their validators, the phases. The
 * room, the HTTP routes and client-sdk all import this file. Validators never throw: they
 * return `{ ok: true, value }` or `{ ok: false, message }`.
 */
import { DIRECTIONS, MODES, type Direction, type Mode, type Parsed } from "../word-duel/messages";

export { parseAnswer, MSG_ANSWER, MSG_ERROR, VERDICT_CODES, SCHEMA_OPTION, deadlineOf, type AnswerMessage, type ErrorMessage } from "../word-duel/messages";
export type { Parsed } from "../word-duel/messages";
export * from "../shared/close-codes";

/** Registered room name. */
export const ROOM_CLASS_GAME = "class_game";

/** Host → server: open the first round (from the lobby). */
export const MSG_START = "start";
/**
 * Host → server: close the round now, or, in the reveal, go on to the next round (the podium
 * after the last). `{round}` (optional): the round it was pressed in, so a double click does
 * not skip a round.
 */
export const MSG_NEXT = "next";
/** Host → server: freeze the clock of the countdown, a round or a reveal. */
export const MSG_PAUSE = "pause";
/** Host → server: the clock goes on from where it was frozen. */
export const MSG_RESUME = "resume";
/** Host → server: the game ends now: the rounds played so far count, the podium shows. */
export const MSG_END = "end";
/** Host → server: `{player}` is removed from the game, for good. */
export const MSG_REMOVE = "remove";
/** Host → server: `{on}` — after each reveal the next round starts by itself (or waits for `next`). */
export const MSG_AUTO = "auto";
/** Host → server: `{on}` — no new player may join (those with a seat still come back). */
export const MSG_LOCK = "lock";

/** Server → host, once the game's result is kept: the class report ({@link ClassReportMessage}). */
export const MSG_CLASS_REPORT = "class_report";

/** Phases of a class game, in order; on the wire (ClassGameState.phase, one byte) a phase is its index here. */
export const CLASS_PHASES = ["lobby", "countdown", "round", "reveal", "podium"] as const;
export type ClassPhase = (typeof CLASS_PHASES)[number];

/** A phase from its wire code ("lobby" for a code this build does not know). */
export const classPhaseOf = (code: number): ClassPhase => CLASS_PHASES[code] ?? "lobby";

/** Presence key prefix: `<prefix><pin>` → JSON {@link ClassInfo}, while the game is open. */
export const CLASS_PIN_KEY = "lingualeap:class-pin:";

/** What a PIN leads to (GET /api/class/:pin). */
export interface ClassInfo {
  pin: string;
  roomId: string;
  lang: string;
  mode: Mode;
  direction: Direction;
  hostName: string;
  totalRounds: number;
}

/** Bounds of a class game's settings. */
export const CLASS_LIMITS = { rounds: { min: 1, max: 30, default: 10 }, roundSeconds: { min: 5, max: 120 }, lessons: { max: 20 } } as const;

/** The options a teacher creates a class game with (`create` class_game). */
export interface ClassOptions {
  lang: string;
  /** Lessons the words are drawn from (none: the whole language). */
  lessonIds: string[];
  mode: Mode;
  direction: Direction;
  rounds: number;
  /** Round length in seconds (default: the duel's, DUEL_CHOICE_ROUND_MS / DUEL_TYPED_ROUND_MS). */
  roundSeconds?: number;
  /** The next round starts by itself after each reveal (default false: the host presses next). */
  autoAdvance: boolean;
  /** See SCHEMA_OPTION. */
  schema?: string;
}

/** `remove` payload. */
export interface RemoveMessage {
  /** The player's key in `players` (as the host sees them). */
  player: string;
}

/** `auto` and `lock` payload. */
export interface AutoMessage {
  on: boolean;
}

/** `next` payload (optional). */
export interface NextMessage {
  round?: number;
}

/**
 * Validates a `next` payload: nothing, or `{round}` (the round the host pressed it in).
 * @example parseNext({ round: 3 }) // { ok: true, value: { round: 3 } }
 */
export function parseNext(payload: unknown): Parsed<NextMessage> {
  if (payload === undefined || payload === null) return { ok: true, value: {} };
  if (!isRecord(payload)) return { ok: false, message: 'next takes nothing, or {"round": <the round it was pressed in>}' };
  if (payload.round === undefined) return { ok: true, value: {} };
  if (typeof payload.round !== "number" || !Number.isInteger(payload.round) || payload.round < 0 || payload.round > 255) return { ok: false, message: 'next takes nothing, or {"round": <the round it was pressed in>}' };
  return { ok: true, value: { round: payload.round } };
}

/** `class_report` payload: the class report (rooms/class-game/report.rules.ts). */
export interface ClassReportMessage {
  matchId: string;
  players: { name: string; score: number; right: number; almost: number; answered: number; accuracy: number; xp: number }[];
  words: { prompt: string; right: number; almost: number; wrong: number; none: number }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

const LESSON_ID = /^[a-z]{2}-[a-z0-9-]{1,60}$/;

/** A whole number in [min, max], or undefined. */
function whole(value: unknown, min: number, max: number): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/**
 * Validates a class game's options against the languages on offer; fills the defaults.
 * @example parseClassOptions({ lang: "es", mode: "choice", lessonIds: ["es-food"] }, ["es"]) // ok, 10 rounds, en-target
 */
export function parseClassOptions(options: unknown, langs: readonly string[]): Parsed<ClassOptions> {
  const o = isRecord(options) ? options : {};
  if (typeof o.lang !== "string" || !langs.includes(o.lang)) return { ok: false, message: `the "lang" option must be one of ${langs.join(", ")}` };
  if (typeof o.mode !== "string" || !(MODES as readonly string[]).includes(o.mode)) return { ok: false, message: `the "mode" option must be one of ${MODES.join(", ")}` };
  const direction = o.direction ?? "en-target";
  if (typeof direction !== "string" || !(DIRECTIONS as readonly string[]).includes(direction)) return { ok: false, message: `the "direction" option must be one of ${DIRECTIONS.join(", ")}` };
  const lessonIds = o.lessonIds ?? [];
  if (!Array.isArray(lessonIds) || lessonIds.length > CLASS_LIMITS.lessons.max || !lessonIds.every((id) => typeof id === "string" && LESSON_ID.test(id))) {
    return { ok: false, message: `the "lessonIds" option is a list of at most ${CLASS_LIMITS.lessons.max} lesson ids such as "es-food"` };
  }
  const { rounds: r, roundSeconds: s } = CLASS_LIMITS;
  const rounds = o.rounds === undefined ? r.default : whole(o.rounds, r.min, r.max);
  if (rounds === undefined) return { ok: false, message: `the "rounds" option is a whole number from ${r.min} to ${r.max}` };
  const roundSeconds = o.roundSeconds === undefined ? undefined : whole(o.roundSeconds, s.min, s.max);
  if (o.roundSeconds !== undefined && roundSeconds === undefined) return { ok: false, message: `the "roundSeconds" option is a whole number from ${s.min} to ${s.max}` };
  if (o.autoAdvance !== undefined && typeof o.autoAdvance !== "boolean") return { ok: false, message: 'the "autoAdvance" option is true or false' };
  if (o.schema !== undefined && (typeof o.schema !== "string" || !/^[0-9a-f]{8}$/.test(o.schema))) return { ok: false, message: 'the "schema" option must be a schema id (8 hex digits) or absent' };
  const value: ClassOptions = { lang: o.lang, lessonIds: [...new Set(lessonIds as string[])], mode: o.mode as Mode, direction: direction as Direction, rounds, autoAdvance: o.autoAdvance === true };
  if (roundSeconds !== undefined) value.roundSeconds = roundSeconds;
  if (typeof o.schema === "string") value.schema = o.schema;
  return { ok: true, value };
}

/**
 * Validates a `remove` payload.
 * @example parseRemove({ player: "p7" }) // { ok: true, value: { player: "p7" } }
 */
export function parseRemove(payload: unknown): Parsed<RemoveMessage> {
  if (!isRecord(payload) || typeof payload.player !== "string" || !/^p[0-9]{1,4}$/.test(payload.player)) return { ok: false, message: 'remove takes {"player": "<key in players>"}' };
  return { ok: true, value: { player: payload.player } };
}

/**
 * Validates an `auto` or `lock` payload.
 * @example parseAuto({ on: true }) // { ok: true, value: { on: true } }
 */
export function parseAuto(payload: unknown): Parsed<AutoMessage> {
  if (!isRecord(payload) || typeof payload.on !== "boolean") return { ok: false, message: 'this message takes {"on": true|false}' };
  return { ok: true, value: { on: payload.on } };
}
