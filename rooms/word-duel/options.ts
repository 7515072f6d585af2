import { ServerError } from "@colyseus/core";
import { ERROR_CODES } from "../../server/errors";
import * as msg from "./messages";
import type { DuelServices } from "./services";

/**
 * Validated join options, or a ServerError the client reads as "DUEL_BAD_OPTIONS: …"
 * (checked where the request lands, in onAuth, and again where the room is created).
 */
export function joinOptions(services: DuelServices, options: unknown): msg.DuelJoinOptions {
  const parsed = msg.parseJoinOptions(options, services.langs());
  if (!parsed.ok) throw new ServerError(ERROR_CODES.DUEL_BAD_OPTIONS, `DUEL_BAD_OPTIONS: ${parsed.message}`);
  const { lang, lessonId } = parsed.value;
  if (!services.words(lang, lessonId)?.length) throw new ServerError(ERROR_CODES.DUEL_BAD_OPTIONS, `DUEL_BAD_OPTIONS: no lesson "${lessonId}" in ${lang}`);
  return parsed.value;
}
