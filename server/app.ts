/**
 * Builds the whole server from a Config and injected parts: the Express app (API,
 * matchmaking, health, admin) and the Colyseus server with its rooms. `server/main.ts` reads
 * the environment and listens; tests build their own with their own config on loopback.
 * What each part does lives in its own file; this one only puts them together.
 */
import http from "node:http";
import express from "express";
import Redis from "ioredis";
import { LocalPresence, Server, type Room, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { Config } from "./config";
import { colyseusLogger, mistakeLog, type Logger } from "./logger";
import type { Store } from "./store/store";
import { createTokenService } from "./auth/tokens";
import { PasswordHasher } from "./auth/passwords";
import { LessonCatalog } from "./lessons.service";
import { apiRoutes } from "./http/api.routes";
import { errorHandler, notFound } from "./http/errors.middleware";
import { adminRoutes } from "./http/admin.routes";
import { homeRoutes } from "./http/home.routes";
import { webRoutes } from "./http/web.routes";
import { leaderboardRoutes } from "./http/leaderboards.routes";
import { challengeRoutes } from "./http/challenges.routes";
import { matchmakeRoutes } from "./http/matchmake.routes";
import { capConnections, compileTrust, serveWith, webSocketGate } from "./http/edge";
import { corsFor, monitorHeaders, securityHeaders } from "./http/security";
import { DeadLetters, FileOutbox, ResultRecorder } from "./results.service";
import { buildLimits } from "./limits";
import { Placement } from "./placement";
import { GuestReaper } from "./guests";
import { boardServices, duelServices, queueServices, type ServiceDeps } from "./services";
import { boardKey, boardsTouched } from "./boards";
import { isoWeek } from "./progress.rules";
import { bindQueueServices } from "../rooms/ranked-queue/RankedQueueRoom";
import { ROOM_RANKED_QUEUE } from "../rooms/ranked-queue/messages";
import { bindLeaderboardServices } from "../rooms/leaderboard/LeaderboardRoom";
import { BOARDS_CHANGED_CHANNEL, ROOM_LEADERBOARD } from "../rooms/leaderboard/messages";
import type { MatchResult } from "../rooms/word-duel/services";
import { ProcessWatch } from "./cluster";
import { bindServices } from "../rooms/word-duel/WordDuelRoom";
import { ROOM_PRACTICE, ROOM_RANKED_DUEL, ROOM_WORD_DUEL } from "../rooms/word-duel/messages";
import type { Deck, TargetLang } from "../content/decks";

/** Largest WebSocket frame a client may send (Colyseus's own default). */
export const WS_MAX_PAYLOAD = 4 * 1024;
/** How often Node checks the request and header timeouts (its default, 30 s, lets slow sockets linger). */
const TIMEOUT_CHECK_MS = 1000;

export interface AppDeps {
  config: Config;
  log: Logger;
  store: Store;
  decks: ReadonlyMap<TargetLang, Deck>;
  /** The clock rooms judge deadlines by (tests move it). */
  now?: () => number;
}

export interface LinguaLeap {
  app: express.Express;
  httpServer: http.Server;
  gameServer: Server;
  recorder: ResultRecorder;
  guests: GuestReaper;
  /** Binds HOST:PORT (PORT 0 picks a free port) and resolves with the bound port. */
  listen(): Promise<number>;
  /** Stops taking rooms, lets running duels end (bounded by SHUTDOWN_GRACE_MS), closes the store. Idempotent. */
  close(): Promise<void>;
}

/** The boards a recorded result changed, as presence channel payload. */
function changedBoards(result: MatchResult): string[] {
  return boardsTouched(result.lang, isoWeek(result.finishedAt)).map(boardKey);
}

export function buildApp(deps: AppDeps): LinguaLeap {
  const { config, log, store } = deps;
  const catalog = new LessonCatalog(deps.decks);
  const tokens = createTokenService(config.JWT_SECRET!, config.JWT_TTL_SECONDS);
  const passwords = new PasswordHasher(config.PASSWORD_SCRYPT_LOG2N);
  // REDIS_URL joins this process to a cluster: rooms are listed in Redis (driver) and
  // processes talk through Redis pub/sub (presence). Its DB index keeps environments apart.
  const presence: Presence = config.REDIS_URL ? new RedisPresence(config.REDIS_URL) : new LocalPresence();
  const driver: MatchMakerDriver | undefined = config.REDIS_URL ? new RedisDriver(config.REDIS_URL) : undefined;
  // Limits count in Redis for the whole cluster; a command that cannot be sent fails at once
  // (no offline queue), so the per-process insurance counts instead of requests hanging.
  const limitsRedis = config.REDIS_URL ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined;
  limitsRedis?.on("error", (err) => log.debug({ err: err.message }, "limits: Redis unavailable, counting per process"));
  const limits = buildLimits(config, limitsRedis);
  const placement = new Placement(limits);
  const mistake = mistakeLog(log);
  const trust = compileTrust(config.TRUST_PROXY);
  const recorder = new ResultRecorder(
    store,
    new FileOutbox(config.OUTBOX_PATH),
    new DeadLetters(config.DEAD_LETTER_PATH),
    log,
    { writeTimeoutMs: config.STORE_WRITE_TIMEOUT_MS, retryMs: config.OUTBOX_RETRY_MS },
    (result) => void presence.publish(BOARDS_CHANGED_CHANNEL, changedBoards(result)),
  );
  const guests = new GuestReaper(store, () => recorder.snapshot().userIds(), log);
  let draining = false;
  let closing: Promise<void> | undefined;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trust);
  app.use(securityHeaders(config));
  app.get("/healthz", (_req, res) => res.json({ ok: true }));
  app.get("/readyz", (_req, res) => {
    store
      .ping()
      .then(() => (draining ? res.status(503).json({ ok: false, reason: "shutting down" }) : res.json({ ok: true, languages: catalog.langCodes() })))
      .catch(() => res.status(503).json({ ok: false, reason: "store unavailable" }));
  });
  // The browser game when web/dist is built (npm start builds it); else a page saying how to play.
  app.use(webRoutes() ?? homeRoutes(catalog.languages()));
  app.use(["/api", "/matchmake"], corsFor(config));
  app.use("/api", express.json({ limit: config.BODY_LIMIT_BYTES }));
  app.use("/api", apiRoutes({ store, tokens, passwords, catalog, limits, guestIdleMs: config.GUEST_IDLE_HOURS * 3_600_000, pending: recorder }));
  app.use("/api", leaderboardRoutes(store, tokens, () => catalog.langCodes()));
  app.use("/api", challengeRoutes(presence, limits.challengeLookups));
  // The rooms defined below (read per request, once they exist).
  app.use(matchmakeRoutes({ limits, tokens, placement, rooms: () => handlers.map((h) => h.name), draining: () => draining, log, mistake }));
  app.use("/colyseus", monitorHeaders());
  app.use(adminRoutes({ config, failures: limits.adminFailures, recorder, log }));
  app.use(notFound());
  app.use(errorHandler(log, mistake));

  const httpServer = http.createServer(
    { headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_MS },
    app,
  );
  capConnections(httpServer, config.CONNECTIONS_PER_ADDRESS, trust);
  const gameServer = new Server({
    transport: new WebSocketTransport({ server: httpServer, maxPayload: WS_MAX_PAYLOAD, verifyClient: webSocketGate(config.CONNECTIONS_PER_ADDRESS, trust) }),
    presence,
    driver,
    publicAddress: config.PUBLIC_ADDRESS,
    selectProcessIdToCreateRoom: placement.select,
    gracefullyShutdown: false,
    greet: false,
    logger: colyseusLogger(log),
  });
  serveWith(httpServer, app);
  const watch = driver ? new ProcessWatch(presence, driver, log) : undefined;

  const serviceDeps: ServiceDeps = { config, log, store, catalog, recorder, verifyToken: (token) => tokens.verify(token), mistake, presence, now: deps.now ?? Date.now };
  const services = duelServices(serviceDeps);
  const handlers = [
    gameServer.define(ROOM_WORD_DUEL, bindServices(services, ROOM_WORD_DUEL)).filterBy(["lang", "mode", "direction", "lessonId"]),
    gameServer.define(ROOM_PRACTICE, bindServices(services, ROOM_PRACTICE)),
    gameServer.define(ROOM_RANKED_DUEL, bindServices(services, ROOM_RANKED_DUEL)),
    gameServer.define(ROOM_RANKED_QUEUE, bindQueueServices(queueServices(serviceDeps, services))).filterBy(["lang"]),
    gameServer.define(ROOM_LEADERBOARD, bindLeaderboardServices(boardServices(serviceDeps))).filterBy(["board", "period"]),
  ];
  for (const handler of handlers) {
    handler.on("create", (room: Room) => watch?.track(room)).on("dispose", (room: Room) => watch?.untrack(room));
  }

  return {
    app,
    httpServer,
    gameServer,
    recorder,
    guests,
    async listen() {
      await recorder.start();
      await watch?.start();
      await gameServer.listen(config.PORT, config.HOST);
      guests.start();
      const address = httpServer.address();
      return typeof address === "object" && address ? address.port : config.PORT;
    },
    close() {
      closing ??= (async () => {
        draining = true;
        await gameServer.gracefullyShutdown(false);
        await watch?.stop();
        await guests.stop();
        await recorder.stop();
        limitsRedis?.disconnect();
        await store.close();
      })();
      return closing;
    },
  };
}
