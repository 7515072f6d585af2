/**
 * A class game's PIN over HTTP (any process answers: the PIN is listed in presence):
 * `GET /api/class/:pin` — what the PIN leads to; `POST /api/class/:pin/guest {name}` — a guest
 * account for a phone joining that game, checked against the game's name rules first. Both
 * are limited per address (CLASS_LOOKUPS_PER_MINUTE, high: a school's phones often share one
 * address); the guests made count against the address's daily guest cap like any
 * (GUESTS_PER_ADDRESS_PER_DAY). Seats are the room's to give: making guests fills nothing, so
 * nobody with the PIN can lock a class out by making accounts.
 */
import { randomUUID } from "node:crypto";
import { Router, type Request } from "express";
import { AppError } from "../errors";
import { checkName, isPin } from "../../rooms/class-game/class.rules";
import type { ClassInfo } from "../../rooms/class-game/messages";
import { ClassPin } from "../../rooms/class-game/pins";
import type { TokenService } from "../auth/tokens";
import type { Limit } from "../limits";
import type { Store } from "../store/store";
import { guestBody, session } from "./api.routes";
import { handle } from "./handle";
import { perAddress, rateLimited } from "./rate-limit.middleware";
import { parseBody } from "./validate";

export interface ClassRouteDeps {
  presence: { get(key: string): unknown; sismember(key: string, member: string): unknown };
  store: Pick<Store, "createUser">;
  tokens: TokenService;
  lookups: Limit;
  /** Guest accounts made, per address per day (GUESTS_PER_ADDRESS_PER_DAY). */
  guests: Limit;
  guestIdleMs: number;
}

export function classRoutes(deps: ClassRouteDeps): Router {
  const router = Router();
  const limit = perAddress(deps.lookups, "too many class-game PINs tried from your address; wait a minute");
  const find = async (req: Request): Promise<ClassInfo> => {
    const pin = String(req.params.pin).trim();
    if (!isPin(pin)) throw new AppError("BAD_REQUEST", "a class game's PIN is 6 digits, like 482913");
    const found = await ClassPin.find(deps.presence as Parameters<typeof ClassPin.find>[0], pin);
    if (!found) throw new AppError("CLASS_NOT_FOUND", `no open class game has PIN ${pin}: check it with your teacher`);
    return found;
  };

  router.get("/class/:pin", limit, handle(async (req, res) => {
    res.json(await find(req));
  }));

  router.post("/class/:pin/guest", limit, handle(async (req, res) => {
    const game = await find(req);
    const { name, timeZone } = parseBody(guestBody, req.body);
    // The room checks again when the seat is taken (two phones asking for one name at once): here
    // the learner hears at once, before an account is made for a name that cannot play.
    const checked = checkName(name, []);
    if (!checked.ok) throw new AppError("CLASS_NAME_REFUSED", checked.message);
    if (await ClassPin.nameTaken(deps.presence as Parameters<typeof ClassPin.nameTaken>[0], game.pin, checked.name)) {
      throw new AppError("CLASS_NAME_TAKEN", `someone in this game is called "${checked.name}" already: choose another name`);
    }
    const taken = await deps.guests.take(req.ip ?? "unknown");
    if (!taken.ok) throw rateLimited(res, taken, "too many guest accounts from your address today; ask your teacher, or sign in to an account");
    const now = Date.now();
    const user = await deps.store.createUser({ id: randomUUID(), name: checked.name, guest: true, timeZone, createdAt: now, expiresAt: now + deps.guestIdleMs });
    res.status(201).json({ ...session(deps.tokens, user), game });
  }));
  return router;
}
