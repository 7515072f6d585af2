/**
 * What the rooms get from the server (rooms/*: DuelServices, QueueServices,
 * LeaderboardServices), built from the configuration, the store and the recorder. Rooms see
 * only these interfaces: no configuration, no store.
 */
import type { Config } from "./config";
import type { Logger } from "./logger";
import type { Store } from "./store/store";
import type { LessonCatalog } from "./lessons.service";
import type { ResultRecorder } from "./results.service";
import { reviewPrompts } from "./progress.rules";
import { START_RATING } from "../rooms/word-duel/worth.rules";
import type { DuelServices } from "../rooms/word-duel/services";
import type { ClassServices } from "../rooms/class-game/services";
import type { QueueServices } from "../rooms/ranked-queue/RankedQueueRoom";
import type { LeaderboardServices } from "../rooms/leaderboard/LeaderboardRoom";
import type { GuardServices } from "../rooms/shared/GuardedRoom";
import { BOARDS_CHANGED_CHANNEL, EVERY_BOARD, type ChangedRow } from "../rooms/leaderboard/messages";
import { matchMaker, type Presence } from "colyseus";
import type Redis from "ioredis";
import { RedisPool } from "../rooms/ranked-queue/RedisPool";
import { RedisClaims } from "../rooms/ranked-queue/claim";
import type { StoreHealth } from "./store/health";
import { isProcessAlive } from "./cluster";
import { boardKey, parseBoardQuery } from "./boards";
import type { BoardReads } from "./store/RedisBoards";

/** Missed words a review practice may bring back. */
const REVIEW_PROMPTS = 50;

export interface ServiceDeps {
  config: Config;
  log: Logger;
  store: Store;
  catalog: LessonCatalog;
  recorder: ResultRecorder;
  verifyToken: DuelServices["verifyToken"];
  mistake: GuardServices["mistake"];
  presence: Presence;
  /** The cluster's own command client (server/backends.ts); absent without REDIS_URL. */
  redis?: Redis;
  /** Whether the store answers: while it does not, joins go on without it at once. */
  storeHealth: Pick<StoreHealth, "orElse">;
  now: () => number;
  /** The rooms' metrics hooks (server/metrics.ts); absent when metrics are off. */
  telemetry?: GuardServices["telemetry"];
  /** Where boards are read: the Redis sets when ready, else the store. */
  boards: BoardReads;
}

function guard({ config, log, mistake, now, telemetry }: ServiceDeps): GuardServices {
  return { rateLimit: { perSecond: config.MSG_RATE_PER_SECOND, burst: config.MSG_BURST, disconnectAfter: config.MSG_FLOOD_DISCONNECT }, watchersPerRoom: config.WATCHERS_PER_ROOM, log, mistake, now, telemetry };
}

export function duelServices(deps: ServiceDeps): DuelServices {
  const { config, store, catalog, recorder } = deps;
  return {
    ...guard(deps),
    langs: () => catalog.langCodes(),
    words: (lang, lessonId) => catalog.duelWords(lang, lessonId),
    pool: (lang) => catalog.pool(lang),
    judging: (lang) => catalog.judging(lang),
    verifyToken: deps.verifyToken,
    // The database down: practise at random instead.
    reviewPrompts: (userId, lang) => deps.storeHealth.orElse(async () => reviewPrompts(await store.progress(userId), lang, Date.now(), REVIEW_PROMPTS), []),
    // The database down: a valid token is enough to play (at once, not after the driver's
    // timeout); the result waits in the outbox.
    userExists: (userId) => deps.storeHealth.orElse(async () => (await store.userById(userId)) !== null, true),
    timing: {
      rounds: config.DUEL_ROUNDS,
      roundMs: { choice: config.DUEL_CHOICE_ROUND_MS, typed: config.DUEL_TYPED_ROUND_MS },
      countdownMs: config.DUEL_COUNTDOWN_MS,
      revealMs: config.DUEL_REVEAL_MS,
      finishedLingerMs: config.DUEL_FINISHED_LINGER_MS,
      reconnectSeconds: config.RECONNECT_SECONDS,
      // Leave the process a second to close after the last duel ends.
      shutdownGraceMs: Math.max(0, config.SHUTDOWN_GRACE_MS - 1000),
      noShowMs: config.DUEL_NO_SHOW_MS,
      waitingTimeoutMs: config.DUEL_WAITING_TIMEOUT_MS,
    },
    recordResult: (result) => recorder.record(result),
    rng: Math.random,
  };
}

/** The class game's services: the duel's, with its own lengths and limits. */
export function classServices(deps: ServiceDeps, duel: DuelServices): ClassServices {
  const { config } = deps;
  return {
    ...duel,
    classTiming: {
      countdownMs: config.DUEL_COUNTDOWN_MS,
      revealMs: config.DUEL_REVEAL_MS,
      idleMs: config.CLASS_IDLE_MS,
      podiumMs: config.CLASS_PODIUM_MS,
      maxPlayers: config.CLASS_MAX_PLAYERS,
      reconnectSeconds: config.CLASS_RECONNECT_SECONDS,
    },
  };
}

export function queueServices(deps: ServiceDeps, duel: DuelServices): QueueServices {
  const { config, store } = deps;
  return {
    ...duel,
    // The database down: pair on the starting rating.
    ratingOf: (userId, lang) => deps.storeHealth.orElse(async () => (await store.progress(userId)).ratings[lang] ?? START_RATING, START_RATING),
    policy: { baseGap: config.QUEUE_GAP_BASE, gapPerSecond: config.QUEUE_GAP_PER_SECOND, maxGap: config.QUEUE_GAP_MAX, botAfterMs: config.QUEUE_BOT_AFTER_MS },
    tickMs: config.QUEUE_TICK_MS,
    processAlive: (processId) => isProcessAlive(deps.presence, processId),
    // Learners left over on one process meet those of the others there.
    pool: deps.redis ? new RedisPool(deps.redis) : undefined,
    claims: deps.redis ? new RedisClaims(deps.redis, () => matchMaker.processId, (processId) => isProcessAlive(deps.presence, processId)) : undefined,
  };
}

/**
 * Which live boards changed: one presence subscription per process, whatever the number of
 * leaderboard rooms (one each used to add a listener per room to one channel), dispatched to
 * the rooms watching each board.
 */
export class BoardChanges {
  private readonly watchers = new Map<string, Set<(rows: readonly ChangedRow[]) => void>>();
  private subscribed?: Promise<unknown>;

  constructor(private readonly presence: Pick<Presence, "subscribe">) {}

  async watch(key: string, onChange: (rows: readonly ChangedRow[]) => void): Promise<() => void> {
    this.subscribed ??= this.presence.subscribe(BOARDS_CHANGED_CHANNEL, (rows: unknown) => this.changed(rows)).catch((err) => {
      this.subscribed = undefined; // try again with the next room
      throw err;
    });
    await this.subscribed;
    const set = this.watchers.get(key) ?? new Set();
    this.watchers.set(key, set.add(onChange));
    return () => {
      set.delete(onChange);
      if (set.size === 0) this.watchers.delete(key);
    };
  }

  private changed(message: unknown): void {
    if (!message || typeof message !== "object" || Array.isArray(message)) return;
    for (const [key, rows] of Object.entries(message)) {
      if (!Array.isArray(rows)) continue;
      const valid = rows.filter((r): r is ChangedRow => typeof r?.userId === "string" && typeof r?.name === "string" && (r.score === undefined || typeof r.score === "number"));
      const watchers = key === EVERY_BOARD ? [...this.watchers.values()].flatMap((set) => [...set]) : [...(this.watchers.get(key) ?? [])];
      for (const onChange of watchers) onChange(valid);
    }
  }
}

export function boardServices(deps: ServiceDeps): LeaderboardServices {
  const changes = new BoardChanges(deps.presence);
  return {
    ...guard(deps),
    board: (board, period) => {
      const { board: name, period: resolved } = parseBoardQuery(board, { period }, deps.catalog.langCodes(), deps.now());
      return { board: name, period: resolved };
    },
    top: (ref, n) => deps.boards.top(ref, n),
    watch: (ref, onChange) => changes.watch(boardKey(ref), onChange),
  };
}
