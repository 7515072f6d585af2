import { isPlainObject, pickOptions, replaceOptions } from "../shared/options.rules";
import * as msg from "./messages";
import type { DuelServices } from "./services";
import { refuse } from "../shared/public-error";

/** The rooms of the duel actor; the kind decides which options a client may send. */
export type DuelKind = typeof msg.ROOM_WORD_DUEL | typeof msg.ROOM_PRACTICE | typeof msg.ROOM_RANKED_DUEL | "ranked_queue";

const BASE_KEYS = ["lang", "mode", "direction", "lessonId", msg.SCHEMA_OPTION] as const;
/** Option keys a client may send, per room (the ranked queue plays the whole language). */
const CLIENT_KEYS: Record<DuelKind, readonly string[]> = {
  word_duel: [...BASE_KEYS, "challenge", "party", "code"],
  practice: [...BASE_KEYS, "review"],
  ranked_duel: BASE_KEYS,
  ranked_queue: ["lang", "mode", "direction", msg.SCHEMA_OPTION],
};

/** A client's join options, checked: what the room plays, and the room's own switches. */
export type DuelOptions = msg.DuelJoinOptions;

/**
 * The client's options for a room of `kind`, checked; a ServerError the client reads as
 * "DUEL_BAD_OPTIONS: …" when they are wrong. Only the keys of that room are read (own
 * properties, into a fresh object), so nothing else a client sends reaches the room.
 */
export function joinOptions(services: Pick<DuelServices, "langs" | "words">, raw: unknown, kind: DuelKind = msg.ROOM_WORD_DUEL): DuelOptions {
  const picked = pickOptions(raw, CLIENT_KEYS[kind]);
  if (!picked.ok) throw refuse("DUEL_BAD_OPTIONS", picked.message);
  const parsed = msg.parseJoinOptions(picked.value, services.langs());
  if (!parsed.ok) throw refuse("DUEL_BAD_OPTIONS", parsed.message);
  const value = parsed.value;
  if (!services.words(value.lang, value.lessonId)?.length) throw refuse("DUEL_BAD_OPTIONS", `no lesson "${value.lessonId}" in ${value.lang}`);
  if (kind === msg.ROOM_WORD_DUEL && picked.value.challenge === true) value.challenge = true;
  if (kind === msg.ROOM_WORD_DUEL && picked.value.party === true) value.party = true;
  const code = picked.value.code;
  if (kind === msg.ROOM_WORD_DUEL && typeof code === "string" && new RegExp(`^[${msg.CHALLENGE_ALPHABET}]{${msg.CHALLENGE_CODE_LENGTH}}$`).test(code.toUpperCase())) value.code = code.toUpperCase();
  if (kind === msg.ROOM_PRACTICE && picked.value.review === true) value.review = true;
  return value;
}

/**
 * Readies a client's join options for matchmaking, in place (matchmaking filters on that
 * object): exactly the checked options, with the defaults filled in, so a learner who leaves
 * them out meets one who spells them out.
 */
export function prepareJoin(services: Pick<DuelServices, "langs" | "words">, options: Record<string, unknown>, kind: DuelKind): void {
  const value = joinOptions(services, options, kind);
  const { lang, mode, direction, schema } = value;
  replaceOptions(options, kind === "ranked_queue" ? { lang, mode, direction, ...(schema ? { schema } : {}) } : { ...value, lessonId: value.lessonId ?? "" });
}

/**
 * What the ranked queue decides for a ranked duel: who may sit, and a bot. It travels only in
 * the options of a `ranked_duel`, a room type no client can create or join through
 * matchmaking (its onAuth refuses everyone); the queue creates it and reserves the seats.
 */
export interface RankedSetup {
  invited: string[];
  bot?: { name: string; rating: number };
}

/** Reads the queue's setup from a ranked_duel's options (a malformed one is our own bug). */
export function rankedSetup(raw: Record<string, unknown>): RankedSetup {
  const invited = raw.invited;
  if (!Array.isArray(invited) || invited.length < 1 || invited.length > 8 || !invited.every((id) => typeof id === "string" && id !== "")) {
    throw new Error("ranked_duel: the queue's setup names no invited learners");
  }
  const bot = raw.bot;
  if (bot === undefined) return { invited: [...invited] };
  if (!isPlainObject(bot) || typeof bot.name !== "string" || typeof bot.rating !== "number" || !Number.isFinite(bot.rating)) {
    throw new Error("ranked_duel: the queue's bot is malformed");
  }
  return { invited: [...invited], bot: { name: bot.name, rating: bot.rating } };
}
