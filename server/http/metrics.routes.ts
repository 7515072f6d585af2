/**
 * `GET /metrics`: this process's metrics in Prometheus's text format (server/metrics.ts).
 * Mounted by admin.routes.ts behind the admin Basic auth, and off (404) with it when
 * ADMIN_USER/ADMIN_PASSWORD are unset: a scrape shows the rooms and clients of the process,
 * and one port with one credential is simpler to run than a second listener (Prometheus
 * reaches each process on its own port, or through nginx's `/<port>/metrics`).
 */
import type { RequestHandler } from "express";
import type { Metrics } from "../metrics";

export function metricsRoute(metrics: Pick<Metrics, "scrape">): RequestHandler {
  return (_req, res, next) => {
    metrics.scrape().then(({ contentType, body }) => {
      res.setHeader("Content-Type", contentType);
      res.setHeader("Cache-Control", "no-store");
      res.send(body);
    }, next);
  };
}
