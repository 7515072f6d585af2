/**
 * `GET /healthz` (the process answers) and `GET /readyz` (it takes new learners). A database
 * outage does not stop duels (results wait in the outbox), so it shows as `store: "down"`,
 * not as 503; Redis away, starting or draining do (server/matchmaking-guard.ts decides).
 */
import { Router } from "express";
import type { Unavailable } from "../matchmaking-guard";

export interface HealthDeps {
  /** Why this process takes no new learners now, or undefined when it does. */
  unavailable(): Unavailable | undefined;
  /** Whether the store answers. */
  store: { readonly isUp: boolean };
  /** The languages served, listed when ready. */
  langCodes(): string[];
}

/** The liveness and readiness probes. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => res.json({ ok: true }));
  router.get("/readyz", (_req, res) => {
    const why = deps.unavailable();
    const store = deps.store.isUp ? "up" : "down";
    if (why) return void res.status(503).json({ ok: false, code: why.code, reason: why.reason, store });
    res.json({ ok: true, languages: deps.langCodes(), store });
  });
  return router;
}
