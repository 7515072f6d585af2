/**
 * The service builders: what this process stands on, chosen from the Config. With
 * REDIS_URL, the cluster's parts (presence, driver, our own command client, its health, the
 * process watch and the remote-call guard); without it, local presence alone. Then where
 * results wait before MongoDB has them, and the recorder that writes them. Nothing here
 * starts or stops anything: server/lifecycle.ts does.
 */
import { randomUUID } from "node:crypto";
import type Redis from "ioredis";
import { LocalPresence, matchMaker, type Presence } from "colyseus";
import type { Config } from "./config";
import type { Logger } from "./logger";
import type { Store } from "./store/store";
import type { StoreHealth } from "./store/health";
import { ResultRecorder } from "./results.service";
import { DeadLetters } from "./DeadLetters";
import { type Outbox } from "./outbox";
import { RedisOutbox } from "./RedisOutbox";
import { FileOutbox } from "./FileOutbox";
import { commandClient, HealingRedisDriver, presenceClients, quietErrors, quietPresence, redisOptions, redisWhere } from "./redis";
import { ClusterHealth, isProcessAlive, ProcessWatch } from "./cluster";
import { CallGuard } from "./CallGuard";
import { boardReads, RedisBoards, type BoardReads } from "./store/RedisBoards";
import { boardKey, type BoardRow } from "./boards";
import { BOARDS_CHANGED_CHANNEL, EVERY_BOARD, type ChangedRows } from "../rooms/leaderboard/messages";

/** The cluster's parts; everything but presence is absent without REDIS_URL. */
export interface ClusterParts {
  /** How processes talk: Redis pub/sub, or in-process without Redis. */
  presence: Presence;
  /** Where rooms are listed for the whole cluster. */
  driver?: HealingRedisDriver;
  /** Our own commands (limits, heartbeat, pending results, health). */
  redis?: Redis;
  /** Whether Redis answers (matchmaking pauses while it does not). */
  health?: ClusterHealth;
  /** Which processes are alive, draining or gone, and the rooms of the gone ones. */
  watch?: ProcessWatch;
  /** Remote calls to a process that dies while answering fail at once. */
  calls?: CallGuard;
}

/**
 * The cluster's parts for this Config, wired to each other (the driver asks the watch, the
 * guard is installed on the presence) but not started.
 */
export function buildCluster(config: Config, log: Logger): ClusterParts {
  // REDIS_URL joins this process to a cluster: rooms are listed in Redis (driver) and
  // processes talk through Redis pub/sub (presence). Its DB index keeps environments apart.
  // Our own commands use one more client that fails at once while Redis is away instead
  // of queueing (server/redis.ts).
  if (!config.REDIS_URL) return { presence: new LocalPresence() };
  const options = redisOptions(config);
  const presence = quietPresence(options, log);
  const driver = new HealingRedisDriver(options);
  const redis = commandClient(options);
  quietErrors(driver.client, "driver", log);
  quietErrors(redis, "commands", log);
  const health = new ClusterHealth(redis, [...presenceClients(presence), driver.client], log, redisWhere(config));
  const watch = new ProcessWatch(redis, driver, log);
  driver.gate = watch;
  // Remote calls to a process that dies while answering fail at once, not after 2 s.
  const calls = new CallGuard(redis, presence, log);
  calls.install();
  return { presence, driver, redis, health, watch, calls };
}

/** What the recorder is built from. */
export interface RecorderDeps {
  config: Config;
  log: Logger;
  store: Store;
  storeHealth: StoreHealth;
  cluster: Pick<ClusterParts, "presence" | "redis">;
}

/** The results recorder over the outbox this Config and store call for. */
export function buildRecorder({ config, log, store, storeHealth, cluster: { presence, redis } }: RecorderDeps): ResultRecorder {
  // Where results wait before MongoDB has them: the cluster's stream (this process's file
  // while Redis is away), or this process's file; none for the in-memory store.
  const file = store.durable ? new FileOutbox(config.OUTBOX_PATH, log) : undefined;
  const outbox: Outbox | undefined = redis && file
    ? new RedisOutbox(redis, () => matchMaker.processId, (id) => isProcessAlive(presence, id), log, config.REDIS_SENTINELS.length > 0 ? 1 : 0)
    : file;
  return new ResultRecorder(
    store,
    outbox,
    outbox === file ? undefined : file,
    new DeadLetters(config.DEAD_LETTER_PATH),
    log,
    { writeTimeoutMs: config.STORE_WRITE_TIMEOUT_MS, retryMs: config.OUTBOX_RETRY_MS },
    undefined,
    storeHealth,
  );
}

/** The leaderboards' parts: the Redis sorted sets (with REDIS_URL, a MongoDB store and BOARDS_REDIS=on) and how they are read. */
export interface BoardParts {
  redis?: RedisBoards;
  reads: BoardReads;
}

/**
 * The boards for this Config and store, and the store's sink wired to them: each result's
 * rows go to the Redis sets (in the result's step: a failure retries it), then to every
 * process's live boards (presence).
 */
export function buildBoards(config: Config, log: Logger, store: Store, { presence, redis }: Pick<ClusterParts, "presence" | "redis">, now: () => number, langs: () => readonly string[]): BoardParts {
  const source = store.boardSource;
  const boards = redis && source && config.BOARDS_REDIS === "on"
    ? new RedisBoards(redis, source, log, { weeklyKeepMs: config.BOARDS_WEEKLY_KEEP_DAYS * 86_400_000, now, owner: `${process.pid}-${randomUUID()}`, langs })
    : undefined;
  store.setBoardSink({
    write: async (rows) => {
      await boards?.write(rows);
      publishRows(presence, rows);
    },
    // The account is made whatever Redis does: a name left stale there is written again by the learner's next result.
    rename: async (userId, name) => {
      await boards?.rename(userId, name).catch((err) => log.warn({ err: (err as Error).message, userId }, "boards: a new name could not reach Redis; the next result writes it"));
      const message: ChangedRows = { [EVERY_BOARD]: [{ userId, name }] };
      void Promise.resolve(presence.publish(BOARDS_CHANGED_CHANNEL, message)).catch(() => undefined);
    },
  });
  return { redis: boards, reads: boardReads(store, boards, log) };
}

/** Tells every process's live boards which rows a result set (lost while presence is away: a board catches up with the next result). */
export function publishRows(presence: Pick<Presence, "publish">, rows: readonly BoardRow[]): void {
  const message: ChangedRows = {};
  for (const r of rows) (message[boardKey(r)] ??= []).push({ userId: r.userId, name: r.name, score: r.score });
  void Promise.resolve(presence.publish(BOARDS_CHANGED_CHANNEL, message)).catch(() => undefined);
}
