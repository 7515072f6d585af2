/**
 * The class game this tab is in, kept in sessionStorage so a reload takes the same seat again
 * (the host's screen, or a phone's name and score) through `rejoinClassGame`. Per tab: another
 * tab of the same browser is not this seat.
 */
const KEY = "lingualeap.class";

export interface ClassSeat {
  roomId: string;
  pin: string;
  role: "host" | "player";
}

export function rememberSeat(seat: ClassSeat): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(seat));
  } catch {
    // Private mode: a reload will not find the game again, the game itself goes on.
  }
}

export function forgetSeat(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}

/** The seat kept by this tab, if any (and well formed). */
export function keptSeat(): ClassSeat | undefined {
  try {
    const seat = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Partial<ClassSeat> | null;
    if (seat && typeof seat.roomId === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(seat.roomId) && typeof seat.pin === "string" && (seat.role === "host" || seat.role === "player")) return seat as ClassSeat;
  } catch {
    // Unreadable: as if none.
  }
  return undefined;
}
