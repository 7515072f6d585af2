/**
 * The state of one load run, shared by the harness (which drives it) and the report (which
 * reads it): options, processes, running totals, failures and timing.
 */
import type { FerretDbProcess } from "../support/ferretdb-process";
import type { ClusterStore } from "./servers";
import { performance } from "node:perf_hooks";
import type Redis from "ioredis";
import type { HarnessOptions } from "./options";
import type { ServerProc } from "./servers";
import type { ShardProc } from "./shard-procs";
import { Totals } from "../learner/metrics";

interface Run {
  opts: HarnessOptions;
  servers: ServerProc[];
  endpoints: string[];
  shards: ShardProc[];
  totals: Totals;
  /** Samples since the last progress line. */
  recent: Totals;
  ccuSamples: number[];
  failures: string[];
  stoppedBy?: string;
  startedAt?: number;
  endedAt?: number;
  redis?: Redis;
  /** A cluster run's store of record, when the run started its own (see servers.ts clusterStore). */
  ferret?: FerretDbProcess;
  store?: ClusterStore;
  outboxDir?: string;
}

export const run: Run = { opts: undefined as unknown as HarnessOptions, servers: [], endpoints: [], shards: [], totals: new Totals(), recent: new Totals(), ccuSamples: [], failures: [] };

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Seconds since the bots were started (0 before), up to the end of the run. */
export function elapsedS(): number {
  return run.startedAt === undefined ? 0 : ((run.endedAt ?? performance.now()) - run.startedAt) / 1000;
}
