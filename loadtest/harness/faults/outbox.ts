/**
 * What a fault-injection run (faults.ts) reads of the results still on their way: every second
 * the stream's length (XLEN) and each process's `/admin/results`; after play, the bounded wait
 * until nothing is pending; at the check, where each waiting result is (the stream and the
 * process holding its entry, an outbox file, the dead letters).
 */
import fs from "node:fs";
import path from "node:path";
import { drainState } from "./check";
import type { GameSlot } from "./GameSlot";
import { clock } from "./infra";
import type { ReportInput } from "./report";
import { DB_NAME, sleep, STREAM, STREAM_GROUP, type Run } from "./run";

/** Every second: the stream's length and each process's pending results. */
export function sampleOutbox(run: Run): NodeJS.Timeout {
  const auth = `Basic ${Buffer.from(`${run.admin.user}:${run.admin.password}`).toString("base64")}`;
  const pendingOf = async (s: GameSlot) => {
    if (!s.up) return NaN;
    try {
      const res = await fetch(`${s.http}/admin/results`, { headers: { authorization: auth }, signal: AbortSignal.timeout(900) });
      const body = (await res.json()) as { pending?: number };
      return typeof body.pending === "number" ? body.pending : NaN;
    } catch {
      return NaN;
    }
  };
  const timer = setInterval(async () => {
    const t = clock.now();
    const [stream, ...pending] = await Promise.all([
      run.watcher && run.redis?.running ? Promise.race([run.watcher.xlen(STREAM).catch(() => NaN), sleep(900).then(() => NaN)]) : Promise.resolve(NaN),
      ...run.slots.map(pendingOf),
    ]);
    run.samples.push({ t, stream, pending });
  }, 1000);
  return timer;
}

/** Waits until nothing is pending anywhere and every seen result is applied, at most --drain s. */
export async function drain(run: Run): Promise<ReportInput["drain"]> {
  const started = Date.now();
  let what = "not checked";
  while (Date.now() - started < run.opts.drainS * 1000 && !run.interrupted) {
    const last = run.samples[run.samples.length - 1];
    try {
      const db = await drainState(run.mongo!.directUrl, DB_NAME, run.journal);
      const quiet = last !== undefined && last.stream === 0 && last.pending.every((p) => p === 0);
      what = `stream ${last?.stream}, pending ${last?.pending.join("+")}, matches not applied ${db.pending}, seen results applied ${db.seenApplied}/${run.journal.results.length}`;
      if (quiet && db.pending === 0 && db.seenApplied === run.journal.results.length) return { ms: Date.now() - started, done: true, what };
    } catch (err) {
      what = `database: ${(err as Error).message}`;
    }
    await sleep(1000);
  }
  return { ms: Date.now() - started, done: false, what };
}

/**
 * Where results still wait at the check, by matchId: the cluster's stream (XRANGE), the
 * processes' outbox files, the dead letters.
 */
export async function waitingResults(run: Run): Promise<Map<string, string>> {
  const where = new Map<string, string>();
  try {
    const entries = (await run.watcher!.xrange(STREAM, "-", "+", "COUNT", 100_000)) as [string, string[]][];
    // Who holds each delivered entry (the consumer group's pending list), and for how long.
    const held = new Map<string, string>();
    const pending = (await run.watcher!.xpending(STREAM, STREAM_GROUP, "-", "+", 100_000).catch(() => [])) as [string, string, number, number][];
    const nameOf = (consumer: string) => {
      const slot = run.slots.find((s) => s.processIds.has(consumer));
      return slot ? `${consumer} (#${slot.index} :${slot.port} life ${slot.processIds.get(consumer)}${slot.lives === slot.processIds.get(consumer) && slot.up ? ", running" : ", gone"})` : consumer;
    };
    for (const [id, consumer, idleMs, deliveries] of pending) held.set(id, `delivered to ${nameOf(consumer)} ${Math.round(idleMs / 1000)} s ago, ${deliveries}×`);
    for (const [id, fields] of entries) {
      const json = fields?.[fields.indexOf("r") + 1];
      const matchId = json ? (JSON.parse(json) as { matchId?: string }).matchId : undefined;
      if (matchId) where.set(matchId, `the stream (${held.get(id) ?? "not delivered to any writer"})`);
    }
  } catch (err) {
    run.problems.push(`could not read the stream ${STREAM} for the check: ${(err as Error).message}`);
  }
  const dataDir = path.join(run.tmp, "data");
  for (const name of fs.readdirSync(dataDir).filter((n) => n.endsWith(".jsonl"))) {
    const label = name.startsWith("dead-letter") ? `dead letters ${name}` : `outbox file ${name}`;
    for (const line of fs.readFileSync(path.join(dataDir, name), "utf8").split("\n")) {
      try {
        const entry = JSON.parse(line) as { matchId?: string; result?: { matchId?: string } };
        const matchId = entry.matchId ?? entry.result?.matchId;
        if (matchId && !where.get(matchId)?.startsWith("dead letters")) where.set(matchId, label);
      } catch {
        // an empty or torn line
      }
    }
  }
  return where;
}
