/**
 * The state of one fault-injection run (faults.ts), shared by its parts: the pieces it
 * started, what the learners saw, the faults run so far, the outbox samples, and small helpers
 * on the run's clock.
 */
import type Redis from "ioredis";
import type { GameSlot } from "./GameSlot";
import { clock, type OwnMongo, type OwnRedis } from "./infra";
import type { FaultLearner } from "./FaultLearner";
import type { Journal } from "./Journal";
import type { FaultOptions } from "./options";
import type { FaultRecord, PendingSample } from "./report";

export const DB_NAME = "lingualeap_faults";
export const STREAM = "lingualeap:results";
/** The stream's consumer group (server/outbox.ts). */
export const STREAM_GROUP = "writers";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const log = (line: string) => process.stdout.write(`[${(clock.now() / 1000).toFixed(1).padStart(6)}s] ${line}\n`);

export interface Run {
  opts: FaultOptions;
  /** The revision under test, read when the run starts (the tree changes under it). */
  revision: string;
  tmp: string;
  redis?: OwnRedis;
  mongo?: OwnMongo;
  slots: GameSlot[];
  admin: { user: string; password: string };
  watcher?: Redis;
  journal: Journal;
  learners: FaultLearner[];
  faults: FaultRecord[];
  samples: PendingSample[];
  problems: string[];
  interrupted?: string;
  windDown: AbortController;
  stop: AbortController;
}

/** Waits `ms`, less if the run is interrupted. */
export async function interruptible(run: Run, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!run.interrupted && Date.now() < until) await sleep(Math.min(250, until - Date.now()));
}
