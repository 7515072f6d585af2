/**
 * Matchmaking over HTTP, `POST /matchmake/<method>/<room name or room id>`, answered here
 * rather than by Colyseus's own handler (which takes every URL merely containing
 * "/matchmake", buffers any body whole, hands exception text back, and limits nothing).
 * In order: the body is read as JSON up to {@link MATCHMAKE_BODY_LIMIT} bytes, the method,
 * the target and the options are checked, the address and then the account are rate-limited,
 * the requester is noted for the room-creation limit (placement.ts), and the matchmaker is
 * called. Answers keep Colyseus's shape, `{room, sessionId}` or `{code, error}`, so
 * colyseus.js reads them; a refusal not raised on purpose is a plain INTERNAL (logged whole).
 * `watch/<roomId>` reserves a watcher's place (watch-seat.ts); no other method carries a
 * `watch` option to a room: it is dropped from their options here.
 */
import express, { Router, type Request, type Response } from "express";
import type { AuthContext } from "@colyseus/core";
import { matchMaker } from "colyseus";
import { ownOptions } from "../../rooms/shared/options.rules";
import { publicError } from "../../rooms/shared/public-error";
import type { TokenService } from "../auth/tokens";
import type { Limits } from "../limits";
import type { Logger } from "../logger";
import { RateLimitedError, type Placement } from "../placement";
import { clientMistake, closeUnreadBody, loggable } from "./errors.middleware";
import { bearerToken } from "./bearer";
import { handle } from "./handle";
import { setRetryAfter } from "./rate-limit.middleware";
import { withDeadline } from "../waiting";
import { WATCH_OPTION } from "../../rooms/shared/watch.rules";
import { watchSeat } from "./watch-seat";

/** Largest matchmaking request body. */
export const MATCHMAKE_BODY_LIMIT = 4 * 1024;

const BY_NAME = ["joinOrCreate", "create", "join"] as const;
const BY_ID = ["joinById", "reconnect", "watch"] as const;
type Method = (typeof BY_NAME)[number] | (typeof BY_ID)[number];
/** Colyseus's codes: a reconnection that cannot be (4212), a room id that names no room (4211). */
const ERROR_CODE_EXPIRED = 4212;
const ERROR_CODE_INVALID_ROOM = 4211;
const TIMED_OUT = Symbol("timed out");

/** The call's answer, or TIMED_OUT after `ms` (the call goes on; a seat it reserves expires unused). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  const late = new Error("matchmaking deadline");
  return withDeadline(promise, ms, () => late).catch((err) => (err === late ? TIMED_OUT : Promise.reject(err)));
}

/** Room ids and reconnection tokens are Colyseus ids: letters, digits, _ and -. */
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface MatchmakeDeps {
  limits: Pick<Limits, "matchmake" | "matchmakeByAddress">;
  tokens: TokenService;
  placement: Placement;
  /** Names of the rooms defined on this server. */
  rooms: () => readonly string[];
  /** Why this process takes no new learners now (draining, starting, Redis away), or undefined. */
  unavailable: () => { code: "UNAVAILABLE" | "CLUSTER_UNAVAILABLE"; reason: string } | undefined;
  /** True when a room is listed but its process is gone (a reconnect to it cannot succeed). */
  roomGone?: (roomId: string) => Promise<boolean>;
  /** Longest a matchmaking call may take before it is answered 503 (the SDK retries). */
  timeoutMs: number;
  log: Logger;
  mistake(kind: string, detail: object): void;
}

/** Answers in Colyseus's error shape, `{code, error}`. */
function refuse(res: Response, status: number, code: number, error: string): void {
  res.status(status).json({ code, error });
}

export function matchmakeRoutes(deps: MatchmakeDeps): Router {
  const router = Router();
  const body = express.json({ limit: MATCHMAKE_BODY_LIMIT, type: () => true, strict: true });
  router.post("/matchmake/:method/:target", body, handle(async (req, res) => {
    const { method, target } = req.params;
    // A learner of a duel still running here may come back to it while the process drains.
    const away = deps.unavailable();
    if (away && !(method === "reconnect" && away.code === "UNAVAILABLE")) return (res.setHeader("Retry-After", "1"), refuse(res, 503, 503, `${away.code}: ${away.reason}`));
    if (![...BY_NAME, ...BY_ID].includes(method as Method)) return refuse(res, 200, 4210, "invalid method");
    if ((BY_NAME as readonly string[]).includes(method) ? !deps.rooms().includes(target) : !ROOM_ID.test(target)) {
      return refuse(res, 200, 4210, "no such room");
    }
    const picked = ownOptions(req.body);
    if (!picked.ok) return refuse(res, 400, 400, `BAD_REQUEST: ${picked.message}`);
    // A plain object again (Colyseus calls hasOwnProperty on it), holding only own keys.
    const options: Record<string, unknown> = { ...picked.value };
    delete options[WATCH_OPTION];
    if (method === "reconnect" && !(typeof options.reconnectionToken === "string" && ROOM_ID.test(options.reconnectionToken))) {
      return refuse(res, 400, 400, 'BAD_REQUEST: reconnect takes {"reconnectionToken": "<token>"}');
    }

    const address = req.ip ?? "unknown";
    const byAddress = await deps.limits.matchmakeByAddress.take(address);
    if (!byAddress.ok) return (setRetryAfter(res, byAddress.retryAfterMs), refuse(res, 429, 429, "RATE_LIMITED: too many matchmaking requests from your address; wait a little"));
    const token = bearerToken(req);
    const userId = token ? verifiedUser(deps.tokens, token) : undefined;
    if (userId) {
      const byAccount = await deps.limits.matchmake.take(userId);
      if (!byAccount.ok) return (setRetryAfter(res, byAccount.retryAfterMs), refuse(res, 429, 429, "RATE_LIMITED: too many matchmaking requests; wait a little"));
    }
    deps.placement.note(options, { address, userId });

    try {
      // A room whose process died is still listed for a moment: say at once that it is gone
      // instead of waiting out a remote call to nobody.
      if ((BY_ID as readonly string[]).includes(method) && (await deps.roomGone?.(target))) {
        return refuse(res, 200, method === "reconnect" ? ERROR_CODE_EXPIRED : ERROR_CODE_INVALID_ROOM, `the server that held room "${target}" has stopped`);
      }
      const call = method === "watch" ? (id: string, _o: unknown, context: object) => watchSeat(id, context as AuthContext) : (matchMaker[method as Exclude<Method, "watch">] as (target: string, options: Record<string, unknown>, context: object) => Promise<object>);
      const answer = await within(call(target, options, { token: token ?? "", headers: req.headers, ip: address, req }), deps.timeoutMs);
      if (answer === TIMED_OUT) {
        const away = deps.unavailable();
        deps.log.warn({ method, target, timeoutMs: deps.timeoutMs, cause: away?.code }, "matchmaking: no answer in time");
        return (res.setHeader("Retry-After", "1"), refuse(res, 503, 503, away ? `${away.code}: ${away.reason}` : "UNAVAILABLE: matchmaking took too long; try again"));
      }
      res.json(answer);
    } catch (err) {
      if (err instanceof RateLimitedError) return (setRetryAfter(res, err.retryAfterMs), refuse(res, 429, err.code, err.message));
      const { error, internal } = publicError(err);
      if (internal) deps.log.error({ err: loggable(err), method, target }, "matchmaking failed");
      else deps.mistake("matchmake_refused", { method, code: error.code });
      refuse(res, 200, error.code, error.message);
    }
  }));
  // A body that is too large or not JSON, in Colyseus's shape (colyseus.js reads `error` as text).
  router.use("/matchmake", (err: unknown, req: Request, res: Response, next: (err: unknown) => void) => {
    const mistake = clientMistake((err ?? {}) as Parameters<typeof clientMistake>[0]);
    if (!mistake) return next(err);
    deps.mistake("matchmake_body", { code: mistake.code, path: req.path.slice(0, 100) });
    closeUnreadBody(req, res);
    refuse(res, mistake.status, mistake.status, `${mistake.code}: ${mistake.message}`);
  });
  return router;
}

/** The account of a good token; undefined otherwise (the room's onAuth then says why). */
function verifiedUser(tokens: TokenService, token: string): string | undefined {
  try {
    return tokens.verify(token).userId;
  } catch {
    return undefined;
  }
}
