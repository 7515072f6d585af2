/**
 * What operators see of one built app, in Prometheus's text format (prom-client), served at
 * `/metrics` behind the admin credentials (server/http/metrics.routes.ts). docs/operations.md,
 * *Metrics and logs*, says what each metric means.
 *
 * - One Registry per built app (tests build several in one process): never prom-client's
 *   global one. Node's own metrics (event-loop lag, heap, CPU, GC) describe the process, and
 *   prom-client's collectDefaultMetrics starts monitors it never stops, so they are collected
 *   once per process into a registry of their own, merged into every app's answer.
 * - Anything that can be read at scrape time is (rooms, clients, results, health): a
 *   collect() callback, nothing kept up to date in between.
 * - The rooms' hot paths (every message, every patch) reach {@link Metrics.message} and
 *   {@link Metrics.patched} through the room's telemetry interface (rooms import nothing of
 *   this file): a message bumps a number in a map, turned into the counter at scrape time.
 */
import { performance } from "node:perf_hooks";
import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RoomTelemetry } from "../rooms/shared/GuardedRoom";
import { phaseOf } from "../rooms/word-duel/messages";
import { withDeadline } from "./waiting";

/** How long the store's ping may take before the store counts as down. */
export const STORE_PING_TIMEOUT_MS = 1000;

/** The metrics' own names start with this. */
const PREFIX = "lingualeap_";

/** Matchmaking methods (anything else is "other"); the by-id ones name a room id, not a room type. */
const METHODS = new Set(["joinOrCreate", "create", "join", "joinById", "reconnect"]);
const BY_ID = new Set(["joinById", "reconnect"]);

/** What a room looks like from here (a Colyseus Room). */
export interface TrackedRoom {
  roomName: string;
  clients: { length: number };
  state?: unknown;
}

/** What the metrics read at scrape time. */
export interface MetricsProbes {
  /** Room types defined on this server ("word_duel", …). */
  roomNames(): readonly string[];
  /** The rooms living in this process. */
  rooms(): Iterable<TrackedRoom>;
  /** The results recorder's counts (server/results.service.ts). */
  results: { readonly recordedCount: number; readonly pendingCount: number; readonly outboxCount: number; readonly deadLetterCount: number };
  /** Dead processes this one swept from the cluster (0 without Redis). */
  sweptCount(): number;
  /** Whether Redis answers; absent without REDIS_URL (no metric then). */
  redisUp?: () => boolean;
  /** The store of record's ping; absent without MONGODB_URL (no metric then). */
  storePing?: () => Promise<unknown>;
}

let processRegistry: Registry | undefined;

/** Node's and the process's metrics, collected once per process (see the header). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The phase a duel's state shows ("round", …, from its one-byte code), "none" for rooms without one. */
function roomPhase(room: TrackedRoom): string {
  const phase = (room.state as { phase?: unknown } | undefined)?.phase;
  return typeof phase === "number" ? phaseOf(phase) : "none";
}

/** A matchmaking answer, by its status and whether its body was Colyseus's `{code, error}`. */
export function matchmakeOutcome(status: number, refused: boolean, finished: boolean): string {
  if (!finished) return "aborted";
  if (status === 503) return "unavailable";
  if (status >= 500) return "error";
  if (status === 429) return "rate_limited";
  if (status >= 400) return "bad_request";
  return refused ? "refused" : "ok";
}

export class Metrics implements RoomTelemetry {
  /** This app's metrics and the process's, as one registry to scrape. */
  readonly registry: Registry;
  private readonly own = new Registry();
  /** Messages per room type and message type, since the start (read by the counter's collect). */
  private readonly messages = new Map<string, Map<string, number>>();
  private readonly answerPatch: Histogram<"room">;
  private readonly patchBytes: Histogram<"room">;
  private readonly patchSent: Counter<"room">;
  private readonly matchmake: Histogram<"method" | "room" | "outcome">;

  constructor(private readonly probes: MetricsProbes) {
    const registers = [this.own];
    const messages = this.messages;
    const seenRooms = new Map<string, { room: string; phase: string }>();
    new Gauge({
      name: `${PREFIX}rooms`,
      help: "Rooms of this process, by room type and phase",
      labelNames: ["room", "phase"],
      registers,
      collect() {
        // Series that had rooms go to 0 rather than vanish (graphs keep their line).
        for (const labels of seenRooms.values()) this.set(labels, 0);
        for (const room of probes.rooms()) {
          const labels = { room: room.roomName, phase: roomPhase(room) };
          const key = `${labels.room}\u0000${labels.phase}`;
          if (!seenRooms.has(key)) seenRooms.set(key, labels);
          this.inc(seenRooms.get(key)!, 1);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}clients`,
      help: "Clients connected to this process's rooms (CCU), by room type",
      labelNames: ["room"],
      registers,
      collect() {
        for (const room of probes.roomNames()) this.set({ room }, 0);
        for (const room of probes.rooms()) this.inc({ room: room.roomName }, room.clients.length);
      },
    });
    new Counter({
      name: `${PREFIX}room_messages_total`,
      help: "Messages clients sent to rooms, by room type and message type (unknown, bad_frame for the refused)",
      labelNames: ["room", "type"],
      registers,
      collect() {
        this.reset();
        for (const [room, types] of messages) for (const [type, n] of types) this.inc({ room, type }, n);
      },
    });
    this.answerPatch = new Histogram({
      name: `${PREFIX}answer_patch_seconds`,
      help: "Time from a message's arrival in a room to the next patch that went out (the oldest message since the last patch)",
      labelNames: ["room"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.patchBytes = new Histogram({
      name: `${PREFIX}patch_bytes`,
      help: "Size of one state patch, in bytes (the same patch goes to every client of the room)",
      labelNames: ["room"],
      buckets: [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 16384, 65536],
      registers,
    });
    this.patchSent = new Counter({
      name: `${PREFIX}patch_sent_bytes_total`,
      help: "State patch bytes sent to clients (each patch times its recipients)",
      labelNames: ["room"],
      registers,
    });
    this.matchmake = new Histogram({
      name: `${PREFIX}matchmake_duration_seconds`,
      help: "Matchmaking HTTP requests (joins) and their latency, by method, room type and outcome",
      labelNames: ["method", "room", "outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.resultMetrics(registers);
    this.healthMetrics(registers);
    this.registry = Registry.merge([processMetrics(), this.own]);
  }

  private resultMetrics(registers: Registry[]): void {
    const { results, sweptCount } = this.probes;
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
    const gauge = (name: string, help: string, read: () => number) => new Gauge({ name, help, registers, collect() { this.set(read()); } });
    counter(`${PREFIX}results_recorded_total`, "Duel and practice results this process wrote to the store", () => results.recordedCount);
    gauge(`${PREFIX}results_pending`, "Results not yet in the store (being written or waiting in the outbox)", () => results.pendingCount);
    gauge(`${PREFIX}outbox_depth`, "Results waiting in the outbox for the store (with REDIS_URL the cluster's stream: every process reports the same backlog)", () => results.outboxCount);
    gauge(`${PREFIX}results_dead_lettered`, "Results the store refused for good, put aside for an operator (/admin/dead-letters)", () => results.deadLetterCount);
    counter(`${PREFIX}cluster_swept_processes_total`, "Dead processes whose rooms this process removed (heartbeat sweeps)", sweptCount);
  }

  private healthMetrics(registers: Registry[]): void {
    const { redisUp, storePing } = this.probes;
    if (redisUp) new Gauge({ name: `${PREFIX}redis_up`, help: "1 when Redis answers, else 0", registers, collect() { this.set(redisUp() ? 1 : 0); } });
    if (storePing) {
      new Gauge({
        name: `${PREFIX}mongodb_up`,
        help: `1 when MongoDB answers a ping within ${STORE_PING_TIMEOUT_MS} ms, else 0`,
        registers,
        async collect() {
          this.set(await withDeadline(storePing(), STORE_PING_TIMEOUT_MS).then(() => 1, () => 0));
        },
      });
    }
  }

  message(room: string, type: string): void {
    let types = this.messages.get(room);
    if (!types) this.messages.set(room, (types = new Map()));
    types.set(type, (types.get(type) ?? 0) + 1);
  }

  patched(room: string, bytes: number, recipients: number, waitedMs: number | undefined): void {
    if (waitedMs !== undefined) this.answerPatch.observe({ room }, waitedMs / 1000);
    if (bytes > 0) {
      this.patchBytes.observe({ room }, bytes);
      this.patchSent.inc({ room }, bytes * recipients);
    }
  }

  /**
   * Times every request under /matchmake (mounted there, before the matchmaking route). The
   * room label is a defined room type or "by_id"/"other", never a client's text.
   */
  matchmakeTiming(): RequestHandler {
    return (req, res, next) => {
      const started = performance.now();
      const [, method = "", target = ""] = /^\/([^/]*)\/?([^/]*)/.exec(req.path) ?? [];
      const methodLabel = METHODS.has(method) ? method : "other";
      const room = BY_ID.has(method) ? "by_id" : this.probes.roomNames().includes(target) ? target : "other";
      // Colyseus's refusals are answered 200 with {code, error}: the body tells them apart.
      let refused = false;
      const json = res.json;
      res.json = function (this: typeof res, body?: unknown) {
        refused = typeof body === "object" && body !== null && "error" in body;
        return json.call(this, body);
      };
      res.once("close", () => {
        const outcome = matchmakeOutcome(res.statusCode, refused, res.writableFinished);
        this.matchmake.observe({ method: methodLabel, room, outcome }, (performance.now() - started) / 1000);
      });
      next();
    };
  }

  /** The scrape's body and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
