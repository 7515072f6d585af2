/**
 * Builds the whole server from a Config and injected parts: the Express app (API,
 * matchmaking, health, admin) and the Colyseus server with its rooms. `server/main.ts` reads
 * the environment and listens; tests build their own with their own config on loopback.
 * What each part does lives in its own file; this one only puts them together.
 */
import http from "node:http";
import express from "express";
import { LocalPresence, matchMaker, Server, type IRoomCache, type Room, type Presence } from "@colyseus/core";
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
import { metricsRoute } from "./http/metrics.routes";
import { requestLog } from "./http/request-log";
import { Metrics } from "./metrics";
import { capConnections, compileTrust, serveWith, webSocketGate } from "./http/edge";
import { corsFor, monitorHeaders, securityHeaders } from "./http/security";
import { DeadLetters, ResultRecorder } from "./results.service";
import { FileOutbox, RedisOutbox, type Outbox } from "./outbox";
import { StoreHealth } from "./store/health";
import { withDeadline } from "./waiting";
import { commandClient, HealingRedisDriver, presenceClients, quietErrors, quietPresence, redisOptions, redisWhere } from "./redis";
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
import type { MatchResult } from "../rooms/shared/match-result";
import { CallGuard, ClusterHealth, isProcessAlive, ProcessWatch } from "./cluster";
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
  /** Binds HOST:PORT (PORT 0 picks a free port) and resolves with the bound port, serving at once. */
  listen(): Promise<number>;
  /** Resolves once matchmaking is open: the cluster joined (at once without Redis). */
  joined: Promise<void>;
  /** Stops taking rooms, lets running duels end (bounded by SHUTDOWN_GRACE_MS), closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Longest a shutdown step that needs Redis may take. */
const REDIS_STEP_MS = 3000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function listenOn(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
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
  // Our own commands (limits, heartbeat, pending results, health) use one more client that
  // fails at once while Redis is away instead of queueing (server/redis.ts).
  const redisOpts = config.REDIS_URL ? redisOptions(config) : undefined;
  const presence: Presence = redisOpts ? quietPresence(redisOpts, log) : new LocalPresence();
  const driver = redisOpts ? new HealingRedisDriver(redisOpts) : undefined;
  const redis = redisOpts ? commandClient(redisOpts) : undefined;
  if (driver) quietErrors(driver.client, "driver", log);
  if (redis) quietErrors(redis, "commands", log);
  const cluster = redis && driver ? new ClusterHealth(redis, [...presenceClients(presence as never), driver.client], log, redisWhere(config)) : undefined;
  const watch = redis && driver ? new ProcessWatch(redis, driver, log) : undefined;
  if (driver && watch) driver.gate = watch;
  // Remote calls to a process that dies while answering fail at once, not after 2 s.
  const calls = redis ? new CallGuard(redis, presence, log) : undefined;
  calls?.install();
  const limits = buildLimits(config, redis);
  const placement = new Placement(limits, watch);
  const mistake = mistakeLog(log);
  const trust = compileTrust(config.TRUST_PROXY);
  const storeHealth = new StoreHealth(store, log);
  // Where results wait before MongoDB has them: the cluster's stream (this process's file
  // while Redis is away), or this process's file; none for the in-memory store.
  const file = store.durable ? new FileOutbox(config.OUTBOX_PATH, log) : undefined;
  const outbox: Outbox | undefined = redis && file ? new RedisOutbox(redis, () => matchMaker.processId, (id) => isProcessAlive(presence, id), log, config.REDIS_SENTINELS.length > 0 ? 1 : 0) : file;
  const recorder = new ResultRecorder(
    store,
    outbox,
    outbox === file ? undefined : file,
    new DeadLetters(config.DEAD_LETTER_PATH),
    log,
    { writeTimeoutMs: config.STORE_WRITE_TIMEOUT_MS, retryMs: config.OUTBOX_RETRY_MS },
    (result) => void Promise.resolve(presence.publish(BOARDS_CHANGED_CHANNEL, changedBoards(result))).catch(() => undefined), // boards catch up with the next result
    storeHealth,
  );
  const guests = new GuestReaper(store, async () => (await recorder.snapshot()).userIds(), log);
  // Scraped at /metrics with the admin credentials: no metrics (and no cost in rooms) without them.
  const metrics = config.ADMIN_USER && config.ADMIN_PASSWORD
    ? new Metrics({
        roomNames: () => handlers.map((h) => h.name),
        rooms: () => rooms,
        results: recorder,
        sweptCount: () => watch?.sweptCount ?? 0,
        redisUp: cluster ? () => cluster.isUp : undefined,
        storePing: config.MONGODB_URL ? () => store.ping() : undefined,
      })
    : undefined;
  let draining = false;
  /** Set once the matchmaker has joined the cluster (at once without Redis). */
  let joined = false;
  let closing: Promise<void> | undefined;
  /** Why this process takes no new learners now, or undefined when it does. */
  const unavailable = (): { code: "UNAVAILABLE" | "CLUSTER_UNAVAILABLE"; reason: string } | undefined => {
    if (draining) return { code: "UNAVAILABLE", reason: "this server is shutting down; try again" };
    if (cluster?.isDown) return { code: "CLUSTER_UNAVAILABLE", reason: "the cluster's Redis cannot be reached: matchmaking is paused; retry shortly" };
    if (!joined || (cluster && !cluster.isUp)) return { code: "UNAVAILABLE", reason: "this server is starting; try again" };
    return undefined;
  };

  /** Matchmaking requests being answered (a drain waits for them before closing Redis). */
  const matchmaking = {
    active: 0,
    count: (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      matchmaking.active += 1;
      res.once("close", () => (matchmaking.active -= 1));
      next();
    },
  };
  const roomGone = watch && driver ? async (roomId: string) => {
    const room = (await driver.findOne({ roomId })) as IRoomCache | undefined;
    return room !== undefined && !(await watch.reachable(room));
  } : undefined;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trust);
  // First, so every request (and every error) has its id and its line.
  app.use(requestLog(log));
  app.use(securityHeaders(config));
  app.get("/healthz", (_req, res) => res.json({ ok: true }));
  // Ready = takes new learners. A database outage does not stop duels (results wait in the
  // outbox), so it shows as `store: "down"`, not as 503; Redis away, starting or draining do.
  app.get("/readyz", (_req, res) => {
    const why = unavailable();
    const store = storeHealth.isUp ? "up" : "down";
    if (why) return void res.status(503).json({ ok: false, code: why.code, reason: why.reason, store });
    res.json({ ok: true, languages: catalog.langCodes(), store });
  });
  // The browser game when web/dist is built (npm start builds it); else a page saying how to play.
  app.use(webRoutes() ?? homeRoutes(catalog.languages()));
  app.use(["/api", "/matchmake"], corsFor(config));
  app.use("/api", express.json({ limit: config.BODY_LIMIT_BYTES }));
  app.use("/api", apiRoutes({ store, tokens, passwords, catalog, limits, guestIdleMs: config.GUEST_IDLE_HOURS * 3_600_000, pending: recorder }));
  app.use("/api", leaderboardRoutes(store, tokens, () => catalog.langCodes()));
  app.use("/api", challengeRoutes(presence, limits.challengeLookups));
  if (metrics) app.use("/matchmake", metrics.matchmakeTiming());
  app.use("/matchmake", matchmaking.count);
  // The rooms defined below (read per request, once they exist).
  app.use(matchmakeRoutes({ limits, tokens, placement, rooms: () => handlers.map((h) => h.name), unavailable, roomGone, timeoutMs: config.MATCHMAKE_TIMEOUT_MS, log, mistake }));
  app.use("/colyseus", monitorHeaders());
  app.use(adminRoutes({ config, failures: limits.adminFailures, recorder, log, metrics: metrics && metricsRoute(metrics) }));
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

  const serviceDeps: ServiceDeps = { config, log, store, catalog, recorder, verifyToken: (token) => tokens.verify(token), mistake, presence, telemetry: metrics, storeHealth, now: deps.now ?? Date.now };
  const services = duelServices(serviceDeps);
  const handlers = [
    gameServer.define(ROOM_WORD_DUEL, bindServices(services, ROOM_WORD_DUEL)).filterBy(["lang", "mode", "direction", "lessonId"]),
    gameServer.define(ROOM_PRACTICE, bindServices(services, ROOM_PRACTICE)),
    gameServer.define(ROOM_RANKED_DUEL, bindServices(services, ROOM_RANKED_DUEL)),
    gameServer.define(ROOM_RANKED_QUEUE, bindQueueServices(queueServices(serviceDeps, services))).filterBy(["lang"]),
    gameServer.define(ROOM_LEADERBOARD, bindLeaderboardServices(boardServices(serviceDeps))).filterBy(["board", "period"]),
  ];
  /** The rooms living in this process. */
  const rooms = new Set<Room>();
  /** Called when the last room of a draining process is gone. */
  let onEmpty: (() => void) | undefined;
  for (const handler of handlers) {
    handler
      .on("create", (room: Room) => (rooms.add(room), watch?.track(room)))
      .on("dispose", (room: Room) => (rooms.delete(room), watch?.untrack(room), rooms.size === 0 && onEmpty?.()));
  }

  /** Joins the cluster once Redis answers (at once without Redis), however long that takes. */
  const joining = (async () => {
    for (let attempt = 0; !closing; attempt++) {
      try {
        if (cluster && !cluster.isUp) await Promise.race([cluster.whenUp(), delay(1000)]);
        if (cluster && !cluster.isUp) continue;
        await watch?.start();
        await watch?.sweepGone();
        await matchMaker.accept();
        joined = true;
        if (cluster) log.info({ processId: matchMaker.processId, redis: redisWhere(config) }, "cluster: joined; matchmaking is open");
        return;
      } catch (err) {
        log.warn({ err: (err as Error).message, attempt }, "cluster: could not join yet; retrying");
        await delay(1000);
      }
    }
  })();

  /**
   * SIGTERM: no new learners here at once (the route refuses, the rooms are locked and this
   * process leaves the placement stats), running duels finish (each room's onBeforeShutdown
   * bounds that by SHUTDOWN_GRACE_MS), then Colyseus's own shutdown. Done by hand because
   * Colyseus's awaits Redis before it drains anything: with Redis away it would cut every duel.
   */
  async function drain(): Promise<void> {
    draining = true;
    // The others stop sending learners and rooms here: the heartbeat says "draining", and
    // nobody listens for room creation any more (a creation sent anyway is answered at
    // once by their CallGuard and made there).
    await withDeadline(Promise.all([watch?.drain(), presence.unsubscribe(`p:${matchMaker.processId}`), matchMaker.stats.excludeProcess(matchMaker.processId)]), REDIS_STEP_MS).catch(() => undefined);
    for (const room of rooms) {
      void Promise.resolve(room.lock()).catch(() => undefined);
      try {
        room.onBeforeShutdown();
      } catch (err) {
        log.error({ err, roomId: room.roomId }, "a room failed to start its shutdown");
      }
    }
    if (rooms.size > 0) await new Promise<void>((resolve) => (onEmpty = resolve));
    cluster?.stop(); // Colyseus's shutdown below closes the Redis clients: not an outage to report
    // Matchmaking requests still on their way finish before Redis is closed under them.
    const until = Date.now() + config.MATCHMAKE_TIMEOUT_MS;
    while (matchmaking.active > 0 && Date.now() < until) await delay(20);
    await withDeadline(gameServer.gracefullyShutdown(false), REDIS_STEP_MS).catch((err) => log.warn({ err: (err as Error).message }, "shutdown: Colyseus's cleanup did not finish (Redis away?)"));
  }

  return {
    app,
    httpServer,
    gameServer,
    recorder,
    guests,
    joined: joining,
    async listen() {
      storeHealth.start();
      cluster?.start();
      await recorder.start();
      const port = await listenOn(httpServer, config.PORT, config.HOST);
      guests.start();
      // One process is ready when listen resolves; a cluster process serves at once (/readyz
      // 503 until it has joined) and joins as soon as Redis answers (`joined`).
      if (!cluster) await joining;
      return port;
    },
    close() {
      closing ??= (async () => {
        await drain();
        await guests.stop();
        await recorder.stop();
        await watch?.stop();
        cluster?.stop();
        calls?.stop();
        storeHealth.stop();
        redis?.disconnect();
        await store.close();
      })();
      return closing;
    },
  };
}
