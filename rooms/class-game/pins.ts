import type { Presence } from "@colyseus/core";
import { classPin, nameKey, type Rng } from "./class.rules";
import { CLASS_PIN_KEY, type ClassInfo } from "./messages";

/** How long a PIN stays listed without being renewed: a process that dies leaves none behind for longer. */
export const PIN_TTL_SECONDS = 12 * 60 * 60;
/** Draws before giving up (a million PINs, a few thousand games at most: a free one comes at once). */
const MAX_DRAWS = 50;

/**
 * A class game's PIN, listed in presence so every process of the cluster resolves it (GET
 * /api/class/:pin), while the game takes players. A PIN is claimed atomically — `incr` on its
 * claim key answers 1 to exactly one game — so two games drawing the same PIN at once on two
 * processes never share it; its keys expire by themselves. Beside it, the names taken (as
 * compared: class.rules.ts nameKey), so a phone hears "taken" before a guest is made for it.
 */
export class ClassPin {
  private constructor(
    private readonly presence: Presence,
    readonly pin: string,
    private readonly roomId: string,
  ) {}

  /** Claims a free PIN and lists `info` under it. */
  static async open(presence: Presence, info: Omit<ClassInfo, "pin">, rng: Rng): Promise<ClassPin> {
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
      const pin = classPin(rng);
      const claim = `${CLASS_PIN_KEY}${pin}:claim`;
      if ((await presence.incr(claim)) !== 1) continue; // taken: draw again
      await presence.expire(claim, PIN_TTL_SECONDS);
      await presence.setex(`${CLASS_PIN_KEY}${pin}`, JSON.stringify({ pin, ...info } satisfies ClassInfo), PIN_TTL_SECONDS);
      return new ClassPin(presence, pin, info.roomId);
    }
    throw new Error(`class_game: no free PIN after ${MAX_DRAWS} draws`);
  }

  /** What a PIN leads to, or null. */
  static async find(presence: Pick<Presence, "get">, pin: string): Promise<ClassInfo | null> {
    const found: unknown = await presence.get(`${CLASS_PIN_KEY}${pin}`);
    return typeof found === "string" ? (JSON.parse(found) as ClassInfo) : null;
  }

  /** Whether a player of the game at `pin` has a name like `name` (the room checks again when the seat is taken). */
  static async nameTaken(presence: Pick<Presence, "sismember">, pin: string, name: string): Promise<boolean> {
    return Boolean(await presence.sismember(`${CLASS_PIN_KEY}${pin}:names`, nameKey(name)));
  }

  /** A player took `name` (true) or gave it up, removed (false). */
  async name(name: string, taken: boolean): Promise<void> {
    const key = `${CLASS_PIN_KEY}${this.pin}:names`;
    if (!taken) return void (await this.presence.srem(key, nameKey(name)));
    await this.presence.sadd(key, nameKey(name));
    await this.presence.expire(key, PIN_TTL_SECONDS);
  }

  /** The game goes on (a round starts): its PIN stays listed another PIN_TTL_SECONDS. */
  async renew(): Promise<void> {
    if (!(await this.owned())) return;
    for (const suffix of ["", ":claim", ":names"]) await this.presence.expire(`${CLASS_PIN_KEY}${this.pin}${suffix}`, PIN_TTL_SECONDS);
  }

  /**
   * The game is over: the PIN leads nowhere and may be drawn again — unless it already leads
   * to another game (this one outlived its keys, and the PIN was drawn again).
   */
  async close(): Promise<void> {
    if (!(await this.owned())) return;
    for (const suffix of ["", ":claim", ":names"]) await this.presence.del(`${CLASS_PIN_KEY}${this.pin}${suffix}`);
  }

  private async owned(): Promise<boolean> {
    return (await ClassPin.find(this.presence, this.pin))?.roomId === this.roomId;
  }
}
