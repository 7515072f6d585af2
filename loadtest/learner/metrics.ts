/**
 * What a learner measures and whoever runs learners collects (Learner.ts, duel-play.ts,
 * bot.ts, and the harness's shard.ts, run.ts, report.ts): what a learner reports
 * ({@link LearnerSink}), a buffer that collects it ({@link Metrics}) and is drained into plain
 * JSON deltas (they cross the IPC channel from the shards), and the running totals of a run
 * ({@link Totals}). Percentiles of the samples: support/stats.ts.
 */

/** Latencies a learner measures, in milliseconds. */
export const SAMPLE_KINDS = ["signIn", "queueWait", "join", "answerPatch"] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/**
 * Where an error is counted: `errors` fail the run (beyond --max-errors); `expected` are
 * known outcomes of the scenario (DUEL_NO_SHOW in pairing); `duringStop` happened after the
 * learner was told to stop (its own leaving can end a duel early for its opponent).
 */
export type ErrorBucket = "errors" | "expected" | "duringStop";

/** What a learner tells whoever collects its metrics. */
export interface LearnerSink {
  sample(kind: SampleKind, ms: number): void;
  /** The learner got a seat in a duel (ranked/pairing: after `matched`; casual: joined). */
  paired(): void;
  /** A duel this learner played finished with a result. */
  duelCompleted(matchId: string): void;
  /** An answer went out; `right` says whether the learner meant it to be right. */
  answerSent(right: boolean): void;
  answerAccepted(): void;
  error(code: string, message: string, bucket: ErrorBucket): void;
}

/** Everything collected since the last drain, as plain JSON. */
export interface MetricsDelta {
  samples: Record<SampleKind, number[]>;
  paired: number;
  answersSent: number;
  answersRight: number;
  answersAccepted: number;
  matchIds: string[];
  errors: Record<ErrorBucket, Record<string, number>>;
  /** The first message seen for each code (to tell what went wrong). */
  examples: Record<string, string>;
}

export function emptyDelta(): MetricsDelta {
  return {
    samples: { signIn: [], queueWait: [], join: [], answerPatch: [] },
    paired: 0,
    answersSent: 0,
    answersRight: 0,
    answersAccepted: 0,
    matchIds: [],
    errors: { errors: {}, expected: {}, duringStop: {} },
    examples: {},
  };
}

/** Collects one process's learners' metrics until drained. */
export class Metrics implements LearnerSink {
  private delta = emptyDelta();

  sample(kind: SampleKind, ms: number): void {
    // Hundredths of a millisecond are plenty and keep the IPC messages small.
    this.delta.samples[kind].push(Math.round(ms * 100) / 100);
  }

  paired(): void {
    this.delta.paired++;
  }

  duelCompleted(matchId: string): void {
    this.delta.matchIds.push(matchId);
  }

  answerSent(right: boolean): void {
    this.delta.answersSent++;
    if (right) this.delta.answersRight++;
  }

  answerAccepted(): void {
    this.delta.answersAccepted++;
  }

  error(code: string, message: string, bucket: ErrorBucket): void {
    const counts = this.delta.errors[bucket];
    counts[code] = (counts[code] ?? 0) + 1;
    this.delta.examples[code] ??= message.slice(0, 300);
  }

  /** Everything since the last drain; starts afresh. */
  drain(): MetricsDelta {
    const out = this.delta;
    this.delta = emptyDelta();
    return out;
  }
}

/** Running totals of a whole run (the harness merges every shard's deltas into one). */
export class Totals {
  readonly samples: Record<SampleKind, number[]> = { signIn: [], queueWait: [], join: [], answerPatch: [] };
  readonly matchIds = new Set<string>();
  readonly errors: Record<ErrorBucket, Record<string, number>> = { errors: {}, expected: {}, duringStop: {} };
  readonly examples: Record<string, string> = {};
  paired = 0;
  answersSent = 0;
  answersRight = 0;
  answersAccepted = 0;

  merge(d: MetricsDelta): void {
    for (const kind of SAMPLE_KINDS) for (const v of d.samples[kind]) this.samples[kind].push(v);
    for (const id of d.matchIds) this.matchIds.add(id);
    for (const bucket of Object.keys(d.errors) as ErrorBucket[]) {
      for (const [code, n] of Object.entries(d.errors[bucket])) this.errors[bucket][code] = (this.errors[bucket][code] ?? 0) + n;
    }
    for (const [code, text] of Object.entries(d.examples)) this.examples[code] ??= text;
    this.paired += d.paired;
    this.answersSent += d.answersSent;
    this.answersRight += d.answersRight;
    this.answersAccepted += d.answersAccepted;
  }

  /** Errors that count against --max-errors. */
  get errorCount(): number {
    return sum(this.errors.errors);
  }
}

export function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
