/**
 * Builds the whole server from a Config and injected parts: the Express app (API, health,
 * monitor) and the Colyseus server with its rooms. `server/main.ts` reads the environment
 * and listens; tests build their own with their own config on loopback.
 */
import http from "node:http";
import express from "express";
import { LocalPresence, matchMaker, Server, type Room, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { Config } from "./config";
import type { Logger } from "./logger";
import type { Store } from "./store/store";
import { createTokenService } from "./auth/tokens";
import { LessonCatalog } from "./lessons.service";
import { apiRoutes } from "./http/api.routes";
import { errorHandler, notFound } from "./http/errors.middleware";
import { monitorRoutes } from "./http/monitor.routes";
import { homeRoutes } from "./http/home.routes";
import { webRoutes } from "./http/web.routes";
import { leaderboardRoutes } from "./http/leaderboards.routes";
import { challengeRoutes } from "./http/challenges.routes";
import { FileOutbox, ResultRecorder } from "./results.service";
import { boardKey, boardsTouched } from "./boards";
import { isoWeek, START_RATING, wordsToReview } from "./progress.rules";
import { bindQueueServices, type QueueServices } from "../rooms/ranked-queue/RankedQueueRoom";
import { ROOM_RANKED_QUEUE } from "../rooms/ranked-queue/messages";
import { bindLeaderboardServices } from "../rooms/leaderboard/LeaderboardRoom";
import { BOARDS_CHANGED_CHANNEL, ROOM_LEADERBOARD } from "../rooms/leaderboard/messages";
import type { MatchResult } from "../rooms/word-duel/services";
import { ProcessWatch } from "./cluster";
import { bindServices } from "../rooms/word-duel/WordDuelRoom";
import { ROOM_PRACTICE, ROOM_WORD_DUEL } from "../rooms/word-duel/messages";
import type { DuelServices } from "../rooms/word-duel/services";
import type { Deck, TargetLang } from "../content/decks";

/** Missed words a review practice may bring back. */
const REVIEW_PROMPTS = 50;
/** Largest WebSocket frame a client may send (Colyseus's own default). */
export const WS_MAX_PAYLOAD = 4 * 1024;
/** Largest matchmaking request body. */
const MATCHMAKE_BODY_LIMIT = 4 * 1024;

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
  /** Binds HOST:PORT (PORT 0 picks a free port) and resolves with the bound port. */
  listen(): Promise<number>;
  /** Stops taking rooms, lets running duels end (bounded by SHUTDOWN_GRACE_MS), closes the store. Idempotent. */
  close(): Promise<void>;
}

function duelServices(deps: AppDeps, catalog: LessonCatalog, verifyToken: DuelServices["verifyToken"], recorder: ResultRecorder): DuelServices {
  const { config, log, store } = deps;
  return {
    langs: () => catalog.langCodes(),
    words: (lang, lessonId) => catalog.duelWords(lang, lessonId),
    pool: (lang) => catalog.pool(lang),
    verifyToken,
    missedPrompts: async (userId, lang) => {
      try {
        return wordsToReview(await store.progress(userId), REVIEW_PROMPTS).filter((w) => w.lang === lang).map((w) => w.prompt);
      } catch {
        return []; // the database is down: practise at random instead
      }
    },
    userExists: async (userId) => {
      try {
        return (await store.userById(userId)) !== null;
      } catch (err) {
        // The database is down: a valid token is enough to play; the result waits in the outbox.
        log.warn({ err: (err as Error).message }, "store unavailable: joining on the token alone");
        return true;
      }
    },
    timing: {
      rounds: config.DUEL_ROUNDS,
      roundMs: { choice: config.DUEL_CHOICE_ROUND_MS, typed: config.DUEL_TYPED_ROUND_MS },
      countdownMs: config.DUEL_COUNTDOWN_MS,
      revealMs: config.DUEL_REVEAL_MS,
      finishedLingerMs: config.DUEL_FINISHED_LINGER_MS,
      reconnectSeconds: config.RECONNECT_SECONDS,
      maxPlayers: config.DUEL_MAX_PLAYERS,
      // Leave the process a second to close after the last duel ends.
      shutdownGraceMs: Math.max(0, config.SHUTDOWN_GRACE_MS - 1000),
      noShowMs: config.DUEL_NO_SHOW_MS,
    },
    rateLimit: { perSecond: config.MSG_RATE_PER_SECOND, burst: config.MSG_BURST, disconnectAfter: config.MSG_FLOOD_DISCONNECT },
    recordResult: (result) => recorder.record(result),
    log,
    rng: Math.random,
    now: deps.now ?? Date.now,
  };
}

function queueServices(deps: AppDeps, duel: DuelServices): QueueServices {
  const { config, store } = deps;
  return {
    ...duel,
    ratingOf: async (userId, lang) => {
      try {
        return (await store.progress(userId)).ratings[lang] ?? START_RATING;
      } catch {
        return START_RATING; // the database is down: pair on the starting rating
      }
    },
    policy: { baseGap: config.QUEUE_GAP_BASE, gapPerSecond: config.QUEUE_GAP_PER_SECOND, maxGap: config.QUEUE_GAP_MAX, botAfterMs: config.QUEUE_BOT_AFTER_MS },
    tickMs: config.QUEUE_TICK_MS,
  };
}

/**
 * Where a new room goes: the less loaded (connected learners, then rooms) of two processes
 * drawn at random. Each process publishes its load at most once a second, so "the least
 * loaded" alone would send a whole burst of new duels to one process that still looks idle;
 * two random choices spread the burst and still avoid the busy ones. Dead processes are
 * already out of the stats (ProcessWatch).
 */
export async function leastLoadedProcess(): Promise<string> {
  const all = await matchMaker.stats.fetchAll();
  if (all.length === 0) return matchMaker.processId;
  const [a, b] = [0, 1].map(() => all[Math.floor(Math.random() * all.length)]);
  return b.ccu < a.ccu || (b.ccu === a.ccu && b.roomCount < a.roomCount) ? b.processId : a.processId;
}

/** Refuses oversized or unsized matchmaking bodies before Colyseus buffers them. */
function guardMatchmaking(server: http.Server): void {
  const listeners = server.listeners("request").slice(0) as http.RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method === "POST" && req.url?.includes("/matchmake/")) {
      const length = Number(req.headers["content-length"]);
      if (!Number.isFinite(length) || length > MATCHMAKE_BODY_LIMIT) {
        res.writeHead(413, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ code: 413, error: `BODY_TOO_LARGE: matchmaking bodies are at most ${MATCHMAKE_BODY_LIMIT} bytes with a Content-Length` }));
        return;
      }
    }
    for (const listener of listeners) listener.call(server, req, res);
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
  // REDIS_URL joins this process to a cluster: rooms are listed in Redis (driver) and
  // processes talk through Redis pub/sub (presence). Its DB index keeps environments apart.
  const presence: Presence = config.REDIS_URL ? new RedisPresence(config.REDIS_URL) : new LocalPresence();
  const driver: MatchMakerDriver | undefined = config.REDIS_URL ? new RedisDriver(config.REDIS_URL) : undefined;
  const recorder = new ResultRecorder(
    store,
    new FileOutbox(config.OUTBOX_PATH),
    log,
    { writeTimeoutMs: config.STORE_WRITE_TIMEOUT_MS, retryMs: config.OUTBOX_RETRY_MS },
    (result) => void presence.publish(BOARDS_CHANGED_CHANNEL, changedBoards(result)),
  );
  let draining = false;
  let closing: Promise<void> | undefined;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(express.json({ limit: config.BODY_LIMIT_BYTES }));
  app.get("/healthz", (_req, res) => res.json({ ok: true }));
  app.get("/readyz", (_req, res) => {
    store
      .ping()
      .then(() => (draining ? res.status(503).json({ ok: false, reason: "shutting down" }) : res.json({ ok: true, languages: catalog.langCodes() })))
      .catch(() => res.status(503).json({ ok: false, reason: "store unavailable" }));
  });
  // The browser game when web/dist is built (npm start builds it); else a page saying how to play.
  app.use(webRoutes() ?? homeRoutes(catalog.languages()));
  app.use("/api", apiRoutes({ store, tokens, catalog, authPerMinute: config.AUTH_RATE_PER_MINUTE, pending: recorder }));
  app.use("/api", leaderboardRoutes(store, tokens, () => catalog.langCodes()));
  app.use("/api", challengeRoutes(presence));
  app.use("/colyseus", monitorRoutes(config, log));
  app.use(notFound());
  app.use(errorHandler(log));

  const httpServer = http.createServer(app);
  const gameServer = new Server({
    transport: new WebSocketTransport({ server: httpServer, maxPayload: WS_MAX_PAYLOAD }),
    presence,
    driver,
    publicAddress: config.PUBLIC_ADDRESS,
    selectProcessIdToCreateRoom: leastLoadedProcess,
    gracefullyShutdown: false,
    greet: false,
    logger: log.child({ component: "colyseus" }),
  });
  guardMatchmaking(httpServer);
  const watch = driver ? new ProcessWatch(presence, driver, log) : undefined;

  const services = duelServices(deps, catalog, (token) => tokens.verify(token), recorder);
  const DuelRoom = bindServices(services);
  const duels = gameServer.define(ROOM_WORD_DUEL, DuelRoom).filterBy(["lang", "mode", "direction", "lessonId"]);
  const practices = gameServer.define(ROOM_PRACTICE, DuelRoom, { practice: true });
  const queues = gameServer.define(ROOM_RANKED_QUEUE, bindQueueServices(queueServices(deps, services))).filterBy(["lang"]);
  const BoardRoom = bindLeaderboardServices({ langs: () => catalog.langCodes(), top: (ref, n) => store.top(ref, n), log, now: services.now });
  const boards = gameServer.define(ROOM_LEADERBOARD, BoardRoom).filterBy(["board", "period"]);
  for (const handler of [duels, practices, queues, boards]) {
    handler.on("create", (room: Room) => watch?.track(room)).on("dispose", (room: Room) => watch?.untrack(room));
  }

  return {
    app,
    httpServer,
    gameServer,
    recorder,
    async listen() {
      await recorder.start();
      await watch?.start();
      await gameServer.listen(config.PORT, config.HOST);
      const address = httpServer.address();
      return typeof address === "object" && address ? address.port : config.PORT;
    },
    close() {
      closing ??= (async () => {
        draining = true;
        await gameServer.gracefullyShutdown(false);
        await watch?.stop();
        await recorder.stop();
        await store.close();
      })();
      return closing;
    },
  };
}
