/**
 * Builds the whole server from a Config and injected parts: the Express app (API,
 * matchmaking, health, admin) and the Colyseus server with its rooms. `server/main.ts` reads
 * the environment and listens; tests build their own with their own config on loopback.
 * Composition only: each part is made in its own file (backends, rooms, the Express app,
 * the matchmaking guard, the lifecycle); this one makes them in order and hands each the
 * others it needs.
 */
import "./pm2-io";
import http from "node:http";
import type express from "express";
// `colyseus` re-exports the one @colyseus/core that rooms/ import: one ServerError, one matchMaker.
import { Server } from "colyseus";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { leagueSettings, type Config } from "./config";
import { colyseusLogger, mistakeLog, type Logger } from "./logger";
import type { Store } from "./store/store";
import { createTokenService } from "./auth/tokens";
import { PasswordHasher } from "./auth/passwords";
import { LessonCatalog } from "./lessons.service";
import { expressApp } from "./http/express-app";
import { Metrics } from "./metrics";
import { capConnections, compileTrust, serveWith, webSocketGate } from "./http/edge";
import type { ResultRecorder } from "./results.service";
import { StoreHealth } from "./store/health";
import { buildLimits } from "./limits";
import { Placement } from "./placement";
import { GuestReaper } from "./guests";
import { buildBoards, buildCluster, buildRecorder } from "./backends";
import { LeagueJob } from "./leagues.job";
import { MatchmakingGuard, roomGoneCheck } from "./matchmaking-guard";
import { FastLocalDriver } from "./local-driver";
import { defineRooms, LiveRooms } from "./rooms";
import { Lifecycle } from "./lifecycle";
import type { Deck, TargetLang } from "../content/decks";

/** Largest WebSocket frame a client may send (Colyseus's own default). */
export const WS_MAX_PAYLOAD = 4 * 1024;
/** How often Node checks the request and header timeouts (its default, 30 s, lets slow sockets linger). */
const TIMEOUT_CHECK_MS = 1000;
/** How long a process holds a league week's job between two cohorts before another may take it over. */
const LEAGUE_LEASE_MS = 60_000;

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
  /** Binds HOST:PORT (PORT 0 picks a free port) and resolves with the bound port, serving at once. */
  listen(): Promise<number>;
  /** Resolves once matchmaking is open: the cluster joined (at once without Redis). */
  joined: Promise<void>;
  /** Stops taking rooms, lets running duels end (bounded by SHUTDOWN_GRACE_MS), closes the store. Idempotent. */
  close(): Promise<void>;
}

/** The server for `deps`, built and wired but not listening (see {@link LinguaLeap.listen}). */
export function buildApp(deps: AppDeps): LinguaLeap {
  const { config, log, store } = deps;
  const catalog = new LessonCatalog(deps.decks);
  if (catalog.lexicons.missing.length > 0) {
    log.warn({ langs: catalog.lexicons.missing }, "no lexicon for these decks: a slip into another real word gets half credit until `npm run lexicon` works them out");
  }
  const tokens = createTokenService(config.JWT_SECRET!, config.JWT_TTL_SECONDS);
  const passwords = new PasswordHasher(config.PASSWORD_SCRYPT_LOG2N);
  const cluster = buildCluster(config, log);
  const { presence, driver, health, watch } = cluster;
  const limits = buildLimits(config, cluster.redis);
  const placement = new Placement(limits, watch);
  const mistake = mistakeLog(log);
  const trust = compileTrust(config.TRUST_PROXY);
  const storeHealth = new StoreHealth(store, log);
  const recorder = buildRecorder({ config, log, store, storeHealth, cluster });
  const now = deps.now ?? Date.now;
  const boards = buildBoards(config, log, store, cluster, now, () => catalog.langCodes());
  const leagues = new LeagueJob(store.leagues, log, {
    settings: leagueSettings(config),
    settleDelayMs: config.LEAGUE_SETTLE_DELAY_MS,
    leaseMs: LEAGUE_LEASE_MS,
    now,
    pendingBefore: async (at) => (await recorder.snapshot()).finishedBefore(at),
    serialize: (userIds, write) => recorder.serialize(userIds, write),
  });
  const guests = new GuestReaper(store, async () => (await recorder.snapshot()).userIds(), log);
  const live = new LiveRooms(watch);
  // Scraped at /metrics with the admin credentials: no metrics (and no cost in rooms) without them.
  const metrics = config.ADMIN_USER && config.ADMIN_PASSWORD
    ? new Metrics({
        roomNames: () => live.names,
        rooms: () => live.rooms,
        results: recorder,
        sweptCount: () => watch?.sweptCount ?? 0,
        redisUp: health ? () => health.isUp : undefined,
        storePing: config.MONGODB_URL ? () => store.ping() : undefined,
      })
    : undefined;
  const guard = new MatchmakingGuard(health);

  const app = expressApp({
    config, log, store, storeHealth, catalog, tokens, passwords, limits, placement, recorder, presence, guard, metrics, mistake, trust, boards: boards.reads, now,
    roomNames: () => live.names,
    roomGone: roomGoneCheck(driver, watch),
  });
  const httpServer = http.createServer(
    { headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUT_CHECK_MS },
    app,
  );
  capConnections(httpServer, config.CONNECTIONS_PER_ADDRESS, trust);
  const gameServer = new Server({
    transport: new WebSocketTransport({ server: httpServer, maxPayload: WS_MAX_PAYLOAD, pingInterval: config.WS_PING_INTERVAL_MS, verifyClient: webSocketGate(config.CONNECTIONS_PER_ADDRESS, trust) }),
    presence,
    // Without Redis, a room list whose lookups skip what cannot match (local-driver.ts).
    driver: driver ?? new FastLocalDriver(),
    publicAddress: config.PUBLIC_ADDRESS,
    selectProcessIdToCreateRoom: placement.select,
    gracefullyShutdown: false,
    greet: false,
    logger: colyseusLogger(log),
  });
  serveWith(httpServer, app);
  const verifyToken = (token: string) => tokens.verify(token);
  defineRooms(gameServer, { config, log, store, catalog, recorder, verifyToken, mistake, presence, redis: cluster.redis, telemetry: metrics, storeHealth, now, boards: boards.reads }, live);

  const life = new Lifecycle({ config, log, store, storeHealth, cluster, recorder, guests, httpServer, gameServer, live, guard, boards: boards.redis, leagues });
  return {
    app,
    httpServer,
    gameServer,
    recorder,
    guests,
    joined: life.joined,
    listen: () => life.listen(),
    close: () => life.close(),
  };
}
