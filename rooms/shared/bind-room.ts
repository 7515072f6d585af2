import type { GuardedRoom, GuardServices } from "./GuardedRoom";

/** A room class whose statics {@link bindRoom} sets. */
type BindableRoom = (new () => GuardedRoom<object, GuardServices>) & { services: GuardServices; roomKind: string };

/**
 * A subclass of `room` registered with one app's services (and, for a class that serves
 * several room names, the name): Colyseus calls the static onAuth on the class it was given,
 * so what onAuth reads must live on that class.
 * @example gameServer.define("leaderboard", bindRoom(LeaderboardRoom, { services }))
 */
export function bindRoom<R extends BindableRoom>(room: R, statics: { services: R["services"]; roomKind?: R["roomKind"] }): R {
  const base: BindableRoom = room;
  const bound = class extends base {};
  Object.defineProperty(bound, "name", { value: `Bound${room.name}` });
  // `bound` extends `room` itself, so it is an R (with these statics on top).
  return Object.assign(bound, statics) as unknown as R;
}
