/**
 * @colyseus/monitor at /colyseus, for admins only: it shows full room state and can call room
 * methods. HTTP Basic auth with ADMIN_USER/ADMIN_PASSWORD; off (404) when they are unset.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Router } from "express";
import { monitor } from "@colyseus/monitor";
import type { Config } from "../config";
import type { Logger } from "../logger";
import { AppError } from "../errors";

/** Constant-time string comparison (hashes first so lengths do not leak). */
function same(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function monitorRoutes(config: Pick<Config, "ADMIN_USER" | "ADMIN_PASSWORD">, log: Logger): Router {
  const router = Router();
  const { ADMIN_USER: user, ADMIN_PASSWORD: password } = config;
  if (!user || !password) {
    log.info({}, "monitor: off (set ADMIN_USER and ADMIN_PASSWORD to enable /colyseus)");
    router.use((_req, _res, next) => next(new AppError("NOT_FOUND", "the monitor is off on this server")));
    return router;
  }
  router.use((req, res, next) => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? "");
    const decoded = match ? Buffer.from(match[1], "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    const ok = colon > 0 && same(decoded.slice(0, colon), user) && same(decoded.slice(colon + 1), password);
    if (ok) return next();
    res.setHeader("WWW-Authenticate", 'Basic realm="LinguaLeap monitor", charset="UTF-8"');
    res.status(401).json({ error: { code: "AUTH_BAD_CREDENTIALS", message: "the monitor needs the admin user name and password" } });
  });
  router.use(monitor({ columns: ["roomId", "name", "clients", "maxClients", "locked", "elapsedTime", { metadata: "lang" }, { metadata: "mode" }, { metadata: "direction" }] }));
  log.info({ user }, "monitor: on at /colyseus");
  return router;
}
