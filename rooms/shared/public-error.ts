import { ErrorCode, ServerError } from "@colyseus/core";
import { ERROR_CODES, type ErrorCode as CatalogueCode } from "../../server/errors";

/**
 * Colyseus's own refusals whose texts are fixed (they name at most a room id or room name,
 * which the matchmaking route has already checked): passed on as they are.
 */
const COLYSEUS_PLAIN = new Set<number>([
  ErrorCode.MATCHMAKE_NO_HANDLER,
  ErrorCode.MATCHMAKE_INVALID_CRITERIA,
  ErrorCode.MATCHMAKE_INVALID_ROOM_ID,
  ErrorCode.MATCHMAKE_EXPIRED,
  ErrorCode.AUTH_FAILED,
  1001, // "already disconnected": the socket went away while joining
]);

/** Our own refusals start with a catalogue code: "DUEL_BAD_OPTIONS: …". */
const OURS = /^([A-Z][A-Z0-9_]+): /;

export const INTERNAL_MESSAGE = "INTERNAL: something went wrong on our side; please try again";

/**
 * A join refused on purpose: the catalogue's status for `code`, and the text the client reads
 * (the SDK parses "CODE: message"). Throw it from onAuth, onJoin or onCreate.
 * @example throw refuse("DUEL_NOT_INVITED", "ranked duels are joined through the ranked queue")
 */
export function refuse(code: CatalogueCode, message: string): ServerError {
  return new ServerError(ERROR_CODES[code], `${code}: ${message}`);
}

/**
 * What a client may be told about an error raised while joining: a refusal raised on purpose
 * (ours, or one of Colyseus's fixed ones) as it is; anything else — a TypeError, a driver's
 * message, Colyseus's "unhandled" wrapper of one — as a plain INTERNAL, so no exception text
 * leaves the server. `internal` is true when the caller should log the original.
 * @example publicError(new TypeError("Cannot read properties of null")) // { error: ServerError(500, "INTERNAL: …"), internal: true }
 */
export function publicError(err: unknown): { error: ServerError; internal: boolean } {
  const message = err instanceof Error ? err.message : "";
  // Colyseus's word for a client that closed its socket while its join was on the way.
  if (message === "early_leave") return { error: new ServerError(1001, "already disconnected"), internal: false };
  const code = (err as { code?: unknown } | undefined)?.code;
  // A refusal of ours keeps its text; its code may have been lost crossing processes (IPC
  // sends the message only), so it comes back from the catalogue.
  const ours = OURS.exec(message)?.[1];
  if (ours && Object.hasOwn(ERROR_CODES, ours)) {
    return { error: err instanceof ServerError ? err : new ServerError(typeof code === "number" ? code : ERROR_CODES[ours as CatalogueCode], message), internal: false };
  }
  if (typeof code === "number" && COLYSEUS_PLAIN.has(code)) return { error: err instanceof ServerError ? err : new ServerError(code, message), internal: false };
  return { error: new ServerError(500, INTERNAL_MESSAGE), internal: true };
}
