/**
 * Where a finished duel's result waits, durably, until MongoDB has it: the outbox. A result
 * is appended here before any learner is told it (DESIGN: durable before visible), and the
 * recorder (results.service.ts) writes the oldest ones to the store and removes them.
 *
 * - RedisOutbox (RedisOutbox.ts, with REDIS_URL): one Redis stream for the cluster, read through a
 *   consumer group. Each process writes what it appended; entries a dead process had taken
 *   are claimed by a live one, so no result is stranded on a dead machine. Redis keeps them
 *   as well as its persistence does (AOF in docker-compose).
 * - FileOutbox (FileOutbox.ts, without, or while Redis is away): this process's own append-only
 *   file, fsynced before `append` resolves. A lock file keeps two processes from sharing one;
 *   a process adopts the files of stopped processes in the same folder.
 */
import type { MatchResult } from "../rooms/shared/match-result";

/** One waiting result; `result` is what was appended (it may be malformed: the recorder checks). */
export interface OutboxEntry {
  id: string;
  result: MatchResult;
}

export interface Outbox {
  /** Where the results wait, for logs and /admin. */
  readonly where: string;
  /** Results waiting, as last counted. */
  readonly depth: number;
  start(): Promise<void>;
  /** Resolves once the result survives a crash of this process. */
  append(result: MatchResult): Promise<void>;
  /** The oldest results this process should write now (its own first, then stranded ones). */
  next(max: number): Promise<OutboxEntry[]>;
  /** Forgets results the store has (or that were put aside). */
  remove(ids: readonly string[]): Promise<void>;
  /** Every result still waiting, as far as this process can see (for pending XP). */
  pending(): Promise<MatchResult[]>;
  stop(): Promise<void>;
}
