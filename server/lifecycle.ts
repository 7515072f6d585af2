/**
 * A built app's life, in order: join the cluster (retried until Redis answers, however long
 * that takes), listen, and on SIGTERM drain and close. The parts come built and wired
 * (server/app.ts); this file only starts them, opens matchmaking, and stops them again in
 * an order that strands no duel and no result.
 */
import type http from "node:http";
import { matchMaker, type Server } from "colyseus";
import type { Config } from "./config";
import type { Logger } from "./logger";
import type { Store } from "./store/store";
import type { RedisBoards } from "./store/RedisBoards";
import type { LeagueJob } from "./leagues.job";
import type { StoreHealth } from "./store/health";
import type { ResultRecorder } from "./results.service";
import type { GuestReaper } from "./guests";
import type { ClusterParts } from "./backends";
import type { LiveRooms } from "./rooms";
import type { MatchmakingGuard } from "./matchmaking-guard";
import { redisWhere } from "./redis";
import { delay, withDeadline } from "./waiting";
import { CLOSE_SERVER_SHUTDOWN } from "../rooms/shared/close-codes";

/** Longest a shutdown step that needs Redis may take. */
const REDIS_STEP_MS = 3000;
/** Pause between two attempts to join the cluster. */
const JOIN_RETRY_MS = 1000;


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

/** What the lifecycle starts and stops. */
export interface LifecycleParts {
  config: Config;
  log: Logger;
  store: Store;
  storeHealth: StoreHealth;
  /** The Redis boards' checker (with REDIS_URL), and the leagues' end-of-week job. */
  boards?: RedisBoards;
  leagues: LeagueJob;
  cluster: ClusterParts;
  recorder: ResultRecorder;
  guests: GuestReaper;
  httpServer: http.Server;
  gameServer: Server;
  live: LiveRooms;
  guard: MatchmakingGuard;
}

/** Joins, listens, drains and closes one built app. Joining starts at construction. */
export class Lifecycle {
  /** Resolves once matchmaking is open: the cluster joined (at once without Redis). */
  readonly joined: Promise<void>;
  private closing?: Promise<void>;

  constructor(private readonly p: LifecycleParts) {
    this.joined = this.join();
  }

  /** Binds HOST:PORT (PORT 0 picks a free port) and resolves with the bound port, serving at once. */
  async listen(): Promise<number> {
    const { config, storeHealth, cluster, recorder, httpServer, guests, boards, leagues } = this.p;
    storeHealth.start();
    cluster.health?.start();
    await recorder.start();
    const port = await listenOn(httpServer, config.PORT, config.HOST);
    guests.start();
    boards?.start(config.BOARDS_CHECK_MS);
    leagues.start(config.LEAGUE_CHECK_MS);
    // One process is ready when listen resolves; a cluster process serves at once (/readyz
    // 503 until it has joined) and joins as soon as Redis answers (`joined`).
    if (!cluster.health) await this.joined;
    return port;
  }

  /** Stops taking rooms, lets running duels end (bounded by SHUTDOWN_GRACE_MS), closes the store. Idempotent. */
  close(): Promise<void> {
    const { cluster, guests, recorder, storeHealth, store, boards, leagues } = this.p;
    this.closing ??= (async () => {
      await this.drain();
      await guests.stop();
      await leagues.stop();
      await boards?.stop();
      await recorder.stop();
      await cluster.watch?.stop();
      cluster.health?.stop();
      cluster.calls?.stop();
      storeHealth.stop();
      cluster.redis?.disconnect();
      await store.close();
    })();
    return this.closing;
  }

  /** Joins the cluster once Redis answers (at once without Redis), however long that takes. */
  private async join(): Promise<void> {
    const { config, log, cluster: { health, watch }, guard } = this.p;
    for (let attempt = 0; !this.closing; attempt++) {
      try {
        if (health && !health.isUp) await Promise.race([health.whenUp(), delay(JOIN_RETRY_MS)]);
        if (health && !health.isUp) continue;
        await watch?.start();
        await watch?.sweepGone();
        await matchMaker.accept();
        guard.open();
        if (health) log.info({ processId: matchMaker.processId, redis: redisWhere(config) }, "cluster: joined; matchmaking is open");
        return;
      } catch (err) {
        log.warn({ err: (err as Error).message, attempt }, "cluster: could not join yet; retrying");
        await delay(JOIN_RETRY_MS);
      }
    }
  }

  /**
   * SIGTERM: no new learners here at once (the route refuses, the rooms are locked and this
   * process leaves the placement stats), running duels finish (each room's onBeforeShutdown
   * bounds that by SHUTDOWN_GRACE_MS), then Colyseus's own shutdown. Done by hand because
   * Colyseus's awaits Redis before it drains anything: with Redis away it would cut every duel.
   */
  private async drain(): Promise<void> {
    const { config, log, cluster, live, guard, gameServer } = this.p;
    guard.drain();
    // The others stop sending learners and rooms here: the heartbeat says "draining", and
    // nobody listens for room creation any more (a creation sent anyway is answered at
    // once by their CallGuard and made there).
    await withDeadline(Promise.all([cluster.watch?.drain(), cluster.presence.unsubscribe(`p:${matchMaker.processId}`), matchMaker.stats.excludeProcess(matchMaker.processId)]), REDIS_STEP_MS).catch(() => undefined);
    for (const room of live.rooms) {
      void Promise.resolve(room.lock()).catch(() => undefined);
      try {
        room.onBeforeShutdown();
      } catch (err) {
        log.error({ err, roomId: room.roomId }, "a room failed to start its shutdown");
      }
    }
    // Rooms end within the grace time (their own timers); one that does not (a client kept in a
    // room that never closes) is closed now, so the drain always ends with the cleanup below.
    await withDeadline(live.empty(), config.SHUTDOWN_GRACE_MS + 1000).catch(async () => {
      log.warn({ rooms: live.rooms.size }, "shutdown: rooms still open after the grace time are closed now");
      for (const room of live.rooms) void Promise.resolve(room.disconnect(CLOSE_SERVER_SHUTDOWN)).catch(() => undefined);
      await withDeadline(live.empty(), 2000).catch(() => undefined);
    });
    cluster.health?.stop(); // Colyseus's shutdown below closes the Redis clients: not an outage to report
    // Matchmaking requests still on their way finish before Redis is closed under them.
    await guard.settled(Date.now() + config.MATCHMAKE_TIMEOUT_MS);
    await withDeadline(gameServer.gracefullyShutdown(false), REDIS_STEP_MS).catch((err) => log.warn({ err: (err as Error).message }, "shutdown: Colyseus's cleanup did not finish (Redis away?)"));
  }
}
