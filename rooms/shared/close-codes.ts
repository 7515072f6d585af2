/**
 * WebSocket close codes LinguaLeap's rooms use (the SDK and docs/protocol/rooms.md §4.2 read them
 * from here). Pure constants: the browser bundle imports this file.
 */

/** A frame broke the protocol (malformed, or a message this room does not take): Colyseus's own code. */
export const CLOSE_BAD_FRAME = 4002;
/** A client disconnected for flooding. */
export const CLOSE_FLOODING = 4429;
/** The server stopped: the duel could not go on here; join again. */
export const CLOSE_SERVER_SHUTDOWN = 4503;
/** A ranked opponent never arrived: the duel is called off; queue again. */
export const CLOSE_NO_SHOW = 4410;
/** A duel waited for an opponent longer than DUEL_WAITING_TIMEOUT_MS: look for another. */
export const CLOSE_WAIT_EXPIRED = 4408;
/** The host removed this player from the class game: no reconnection, no rejoin. */
export const CLOSE_REMOVED = 4403;
