/**
 * The Express app: every middleware and route in the order a request meets them. The order
 * is the point of this file: the request log first (every request and error has its id),
 * security headers, the probes, the game, then CORS and body limits before the routes that
 * need them, matchmaking counted for the drain, and the one error handler last.
 */
import express from "express";
import { leagueSettings, offlineLimits, type Config } from "../config";
import type { Logger } from "../logger";
import type { Store } from "../store/store";
import type { StoreHealth } from "../store/health";
import type { TokenService } from "../auth/tokens";
import type { PasswordHasher } from "../auth/passwords";
import type { LessonCatalog } from "../lessons.service";
import type { Limits } from "../limits";
import type { Placement } from "../placement";
import type { Metrics } from "../metrics";
import type { ResultRecorder } from "../results.service";
import type { MatchmakingGuard } from "../matchmaking-guard";
import type { Trust } from "./edge";
import { apiRoutes } from "./api.routes";
import { errorHandler, notFound } from "./errors.middleware";
import { adminRoutes } from "./admin.routes";
import { wordReport, type ReportSort } from "../word-report.rules";
import { healthRoutes } from "./health.routes";
import { homeRoutes } from "./home.routes";
import { webRoutes } from "./web.routes";
import { leaderboardRoutes } from "./leaderboards.routes";
import { leagueRoutes } from "./leagues.routes";
import type { BoardReads } from "../store/RedisBoards";
import { challengeRoutes } from "./challenges.routes";
import { classRoutes, type ClassRouteDeps } from "./class.routes";
import { matchmakeRoutes } from "./matchmake.routes";
import { practiceRoutes } from "./practice.routes";
import { metricsRoute } from "./metrics.routes";
import { perAddress } from "./rate-limit.middleware";
import { requestLog } from "./request-log";
import { corsFor, monitorHeaders, securityHeaders } from "./security";

/** What the routes are built from. */
export interface HttpDeps {
  config: Config;
  log: Logger;
  store: Store;
  storeHealth: Pick<StoreHealth, "isUp">;
  catalog: LessonCatalog;
  tokens: TokenService;
  passwords: PasswordHasher;
  limits: Limits;
  placement: Placement;
  recorder: ResultRecorder;
  /** Where challenge codes and class-game PINs are looked up (the cluster's presence). */
  presence: { hget(key: string, field: string): Promise<string | null> } & ClassRouteDeps["presence"];
  guard: Pick<MatchmakingGuard, "unavailable" | "count">;
  /** Names of the rooms defined on this server (read per request, once they exist). */
  roomNames: () => readonly string[];
  roomGone?: (roomId: string) => Promise<boolean>;
  /** Absent when metrics are off (no admin credentials). */
  metrics?: Metrics;
  mistake: (kind: string, detail: object) => void;
  trust: Trust;
  /** Where boards are read: the Redis sets when ready, else the store. */
  boards: BoardReads;
  now: () => number;
}

/** The Express app of one built LinguaLeap (served by the HTTP server that also carries the WebSockets). */
export function expressApp(deps: HttpDeps): express.Express {
  const { config, log, store, catalog, tokens, limits, recorder, metrics, mistake } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trust);
  // First, so every request (and every error) has its id and its line.
  app.use(requestLog(log));
  app.use(securityHeaders(config));
  app.use(healthRoutes({ unavailable: deps.guard.unavailable, store: deps.storeHealth, langCodes: () => catalog.langCodes() }));
  // The browser game when web/dist is built (npm start builds it); else a page saying how to play.
  app.use(webRoutes() ?? homeRoutes(catalog.languages()));
  app.use(["/api", "/matchmake"], corsFor(config));
  // Counted before the body is read; a CORS preflight is answered above and counts for nothing.
  app.use("/api", perAddress(limits.api, "too many requests from your address; wait a moment and try again"));
  app.use("/api", express.json({ limit: config.BODY_LIMIT_BYTES }));
  app.use("/api", apiRoutes({ store, tokens, passwords: deps.passwords, catalog, limits, guestIdleMs: config.GUEST_IDLE_HOURS * 3_600_000, pending: recorder }));
  app.use("/api", practiceRoutes({ store, tokens, catalog, limits: offlineLimits(config), syncs: limits.offlineSyncs, recorder, now: deps.now }));
  app.use("/api", leaderboardRoutes(deps.boards, tokens, () => catalog.langCodes()));
  app.use("/api", leagueRoutes(store.leagues, tokens, leagueSettings(config), deps.now));
  app.use("/api", challengeRoutes(deps.presence, limits.challengeLookups));
  app.use("/api", classRoutes({ presence: deps.presence, store, tokens, lookups: limits.classLookups, guests: limits.guests, guestIdleMs: config.GUEST_IDLE_HOURS * 3_600_000 }));
  if (metrics) app.use("/matchmake", metrics.matchmakeTiming());
  app.use("/matchmake", deps.guard.count);
  app.use(matchmakeRoutes({ limits, tokens, placement: deps.placement, rooms: deps.roomNames, unavailable: deps.guard.unavailable, roomGone: deps.roomGone, timeoutMs: config.MATCHMAKE_TIMEOUT_MS, log, mistake }));
  app.use("/colyseus", monitorHeaders());
  const words = { langs: () => catalog.langCodes(), report: async (lang: string, sort: ReportSort) => wordReport(catalog.pool(lang), await store.wordTotals(lang), sort) };
  app.use(adminRoutes({ config, failures: limits.adminFailures, recorder, log, metrics: metrics && metricsRoute(metrics), words }));
  app.use(notFound());
  app.use(errorHandler(log, mistake));
  return app;
}
