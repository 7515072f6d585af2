/** What every LinguaLeap room gets from the server (GuardedRoom reads it). */
import type { RateLimitOptions } from "./rate-limit.rules";

/** The log a room writes to (pino's shape). */
export interface RoomLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  /** A log whose every line also carries `bindings`. */
  child(bindings: object): RoomLog;
}

/**
 * What rooms report for the operators' metrics (server/metrics.ts keeps the counts). Called
 * on the hot paths: an implementation does no more than bump a number.
 */
export interface RoomTelemetry {
  /** A message arrived: its type when a handler takes it, else "unknown" (or "bad_frame"). */
  message(room: string, type: string): void;
  /**
   * A patch went out: its size in bytes (0 when it could not be read), how many clients it
   * went to, and how long the oldest message since the last patch waited for it (undefined
   * when no message did).
   */
  patched(room: string, bytes: number, recipients: number, waitedMs: number | undefined): void;
}

/** What every room needs to guard its edge. */
export interface GuardServices {
  rateLimit: RateLimitOptions;
  /** Most watchers one room takes at once (WATCHERS_PER_ROOM). */
  watchersPerRoom: number;
  log: RoomLog;
  /** A client's mistake (a malformed frame, …): logged at debug level, sampled. */
  mistake(kind: string, detail: object): void;
  now(): number;
  /** Metrics hooks; absent when metrics are off (no cost at all then). */
  telemetry?: RoomTelemetry;
}
