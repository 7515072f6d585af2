/**
 * What only operators reach, behind HTTP Basic auth with ADMIN_USER/ADMIN_PASSWORD (off, 404,
 * when they are unset):
 * - `/colyseus`: @colyseus/monitor, which shows full room state and can call room methods;
 * - `/admin/results`: results waiting (outbox) and put aside (dead letters);
 * - `/admin/dead-letters` (GET) and `/admin/dead-letters/replay` (POST `{matchIds?}`);
 * - `/metrics`: Prometheus's scrape (metrics.routes.ts), when the app has metrics.
 * Failed sign-ins are limited per address (ADMIN_AUTH_FAILURES_PER_HOUR): past the limit an
 * address is refused with 429, even with the right password, until the hour is over.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import express, { Router, type Request, type RequestHandler, type Response } from "express";
import { monitor } from "@colyseus/monitor";
import { z } from "zod";
import type { Config } from "../config";
import type { Limit } from "../limits";
import type { Logger } from "../logger";
import type { ResultRecorder } from "../results.service";
import { AppError } from "../errors";
import { handle } from "./handle";
import { rateLimited } from "./rate-limit.middleware";
import { parseBody } from "./validate";

/** Constant-time string comparison (hashes first so lengths do not leak). */
function same(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Basic auth for operators. Every attempt takes a point of `failures` *before* the password is
 * checked, and a right one gives it back: requests sent at once (pipelined, in parallel) cannot
 * all pass a check made before any of their failures is counted.
 */
function adminAuth(user: string, password: string, failures: Limit): RequestHandler {
  const check = async (req: Request, res: Response): Promise<void> => {
    const address = req.ip ?? "unknown";
    const taken = await failures.take(address);
    if (!taken.ok) throw rateLimited(res, taken, "too many failed sign-ins from your address; try again later");
    const match = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/.exec(req.headers.authorization ?? "");
    const decoded = match ? Buffer.from(match[1], "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    if (colon > 0 && same(decoded.slice(0, colon), user) && same(decoded.slice(colon + 1), password)) return failures.giveBack(address);
    res.setHeader("WWW-Authenticate", 'Basic realm="LinguaLeap admin", charset="UTF-8"');
    throw new AppError("AUTH_BAD_CREDENTIALS", "the admin pages need the admin user name and password");
  };
  return (req, res, next) => void check(req, res).then(() => next(), next);
}

const replayBody = z.object({ matchIds: z.array(z.string().min(1).max(100)).max(1000).optional() });

export interface AdminDeps {
  config: Pick<Config, "ADMIN_USER" | "ADMIN_PASSWORD">;
  failures: Limit;
  recorder: ResultRecorder;
  log: Logger;
  /** The `/metrics` handler (metrics.routes.ts). */
  metrics?: RequestHandler;
}

/** The monitor and the admin routes, mounted at the app's root. */
export function adminRoutes({ config, failures, recorder, log, metrics }: AdminDeps): Router {
  const router = Router();
  const { ADMIN_USER: user, ADMIN_PASSWORD: password } = config;
  if (!user || !password) {
    log.info({}, "monitor, admin routes and metrics: off (set ADMIN_USER and ADMIN_PASSWORD to enable /colyseus, /admin and /metrics)");
    router.use(["/colyseus", "/admin", "/metrics"], (_req, _res, next) => next(new AppError("NOT_FOUND", "the admin pages are off on this server")));
    return router;
  }
  const auth = adminAuth(user, password, failures);
  const admin = Router();
  admin.get("/results", (_req, res) => {
    res.json({ pending: recorder.pendingCount, outbox: recorder.outboxCount, deadLetters: recorder.deadLetterCount });
  });
  admin.get("/dead-letters", (_req, res) => {
    res.json(recorder.listDeadLetters());
  });
  admin.post("/dead-letters/replay", express.json({ limit: 64 * 1024 }), handle(async (req, res) => {
    const { matchIds } = parseBody(replayBody, req.body);
    res.json(await recorder.replayDeadLetters(matchIds));
  }));
  router.use("/admin", auth, admin);
  if (metrics) router.get("/metrics", auth, metrics);
  router.use("/colyseus", auth, express.json({ limit: 16 * 1024 }), monitor({ columns: ["roomId", "name", "clients", "maxClients", "locked", "elapsedTime", { metadata: "lang" }, { metadata: "mode" }, { metadata: "direction" }] }));
  log.info({ user }, `monitor: on at /colyseus; admin routes at /admin${metrics ? "; metrics at /metrics" : ""}`);
  return router;
}
