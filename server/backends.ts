/**
 * The service builders: what this process stands on, chosen from the Config. With
 * REDIS_URL, the cluster's parts (presence, driver, our own command client, its health, the
 * process watch and the remote-call guard); without it, local presence alone. Then where
 * results wait before MongoDB has them, and the recorder that writes them. Nothing here
 * starts or stops anything: server/lifecycle.ts does.
 */
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
import { boardKey, boardsTouched } from "./boards";
import { isoWeek } from "./progress.rules";
import { BOARDS_CHANGED_CHANNEL } from "../rooms/leaderboard/messages";
import type { MatchResult } from "../rooms/shared/match-result";

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

/** The boards a recorded result changed, as presence channel payload. */
function changedBoards(result: MatchResult): string[] {
  return boardsTouched(result.lang, isoWeek(result.finishedAt)).map(boardKey);
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
    (result) => void Promise.resolve(presence.publish(BOARDS_CHANGED_CHANNEL, changedBoards(result))).catch(() => undefined), // boards catch up with the next result
    storeHealth,
  );
}
