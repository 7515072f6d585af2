import { ServerError } from "@colyseus/core";
import { ERROR_CODES } from "../../server/errors";
import * as msg from "./messages";
import type { DuelServices } from "./services";

/**
 * Validated join options, or a ServerError the client reads as "DUEL_BAD_OPTIONS: …"
 * (checked where the request lands, in onAuth, and again where the room is created).
 */
export function joinOptions(services: Pick<DuelServices, "langs" | "words">, options: unknown): msg.DuelJoinOptions {
  const parsed = msg.parseJoinOptions(options, services.langs());
  if (!parsed.ok) throw new ServerError(ERROR_CODES.DUEL_BAD_OPTIONS, `DUEL_BAD_OPTIONS: ${parsed.message}`);
  const { lang, lessonId } = parsed.value;
  if (!services.words(lang, lessonId)?.length) throw new ServerError(ERROR_CODES.DUEL_BAD_OPTIONS, `DUEL_BAD_OPTIONS: no lesson "${lessonId}" in ${lang}`);
  return parsed.value;
}

/**
 * Room options: the client's join options plus what define() and the server add (the
 * server's own are stripped from anything a client sends, see {@link prepareJoin}).
 */
export type CreateOptions = Partial<msg.DuelJoinOptions> & {
  practice?: boolean;
  /** Set from the token: review practice brings back this learner's missed words. */
  reviewFor?: string;
  challenge?: boolean;
  /** Set by ranked_queue: the user ids the duel is for (it is private, nobody else may join). */
  ranked?: string[];
  /** Set by ranked_queue: a bot plays the second seat. */
  bot?: { name: string; rating: number };
};

const SERVER_OPTIONS = ["reviewFor", "ranked", "bot"] as const;

/**
 * Readies a client's join options for matchmaking, in place (matchmaking filters on them as
 * sent): the defaults filled in, so a learner who leaves them out meets one who spells them
 * out; the options only the server sets removed; `reviewFor` taken from the token.
 */
export function prepareJoin(services: DuelServices, options: Record<string, unknown>, userId: string): void {
  const value = joinOptions(services, options);
  Object.assign(options, value, { lessonId: value.lessonId ?? "" });
  for (const key of SERVER_OPTIONS) delete options[key];
  if (options.review === true) options.reviewFor = userId;
}
