/**
 * The `watch` method of the matchmaking route: a read-only place in a room that is already
 * running, wherever it lives. Colyseus's joinById refuses locked rooms (a started duel) and a
 * full one has no seat; a watcher needs neither: the room is found through the driver (any
 * process), the room class's static onAuth runs here as the matchmaker's callOnAuth would,
 * with options exactly `{watch: true}`, and `reserveSeatFor` makes the room's `_reserveSeat`
 * call (over Redis IPC when the room is elsewhere), which GuardedRoom (WatchableRoom) takes
 * without giving up a seat.
 */
import { matchMaker, Room, ServerError, type AuthContext } from "@colyseus/core";
import { refuse } from "../../rooms/shared/public-error";
import { watchOptions } from "../../rooms/shared/watch.rules";
import { ROOM_PRACTICE, ROOM_RANKED_DUEL, ROOM_WORD_DUEL } from "../../rooms/word-duel/messages";
import { ROOM_CLASS_GAME } from "../../rooms/class-game/messages";

/** The rooms that take watchers (a practice refuses them itself: ROOM_NOT_WATCHABLE); the others have nothing to watch. */
const WATCHABLE = new Set<string>([ROOM_WORD_DUEL, ROOM_PRACTICE, ROOM_RANKED_DUEL, ROOM_CLASS_GAME]);

/** Colyseus's code for a room id that names no room. */
const ERROR_CODE_INVALID_ROOM = 4211;

type AuthStatic = (token: string, options: unknown, context: AuthContext) => Promise<unknown>;

/**
 * A watcher's seat reservation in room `roomId` (Colyseus's `{room, sessionId}`), or a
 * ServerError: no such room (4211), the room's refusal (ROOM_NOT_WATCHABLE, AUTH_…), or
 * ROOM_WATCHERS_FULL when the room takes no more watchers.
 * @example await watchSeat("xK2a9", { token, headers: req.headers, ip, req })
 */
export async function watchSeat(roomId: string, context: AuthContext): Promise<object> {
  const room = await matchMaker.driver.findOne({ roomId });
  if (!room) throw new ServerError(ERROR_CODE_INVALID_ROOM, `room "${roomId}" not found`);
  if (!WATCHABLE.has(room.name)) throw refuse("ROOM_NOT_WATCHABLE", `a ${room.name} room cannot be watched`);
  const options = watchOptions();
  const klass = matchMaker.getRoomClass(room.name) as unknown as { onAuth?: AuthStatic; services?: { watchersPerRoom?: number } } | undefined;
  if (klass?.services?.watchersPerRoom === 0) throw refuse("ROOM_NOT_WATCHABLE", "watching is turned off on this server");
  let auth: unknown;
  if (klass?.onAuth && klass.onAuth !== (Room as unknown as { onAuth: AuthStatic }).onAuth) {
    auth = await klass.onAuth(context.token ?? "", options, context);
    if (!auth) throw new ServerError(4215, "onAuth failed");
  }
  try {
    // A fresh object: an onAuth may rewrite the one it was given (replaceOptions), and the
    // reservation must say `watch` whatever it did.
    return await matchMaker.reserveSeatFor(room, watchOptions(), auth);
  } catch (err) {
    // The room said no (a process that is gone says "not available": passed on as it is).
    if (err instanceof Error && err.message.endsWith("is already full.")) throw refuse("ROOM_WATCHERS_FULL", "this room has as many watchers as it takes: try again later");
    throw err;
  }
}
