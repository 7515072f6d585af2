/**
 * The fault schedule of a run (faults.ts): one fault at a time, at its time on the run's clock
 * (a fault that comes due while the one before still runs waits for it), each recorded with
 * when it started, when the piece was back, and for a process how long the drain and the
 * restart took.
 */
import { clock } from "./infra";
import type { FaultSpec } from "./options";
import type { FaultRecord } from "./report";
import { interruptible, log, sleep, type Run } from "./run";

/** Runs one fault and says what happened; never throws. */
async function inject(run: Run, spec: FaultSpec): Promise<FaultRecord> {
  const start = clock.now();
  const rec: FaultRecord = { spec, start, end: start };
  try {
    if (spec.kind === "kill9" || spec.kind === "sigterm") {
      const slot = run.slots[spec.proc];
      rec.port = slot.port;
      if (spec.kind === "kill9") await slot.kill9();
      else {
        const exited = await slot.sigterm(slot.graceMs + 10_000);
        rec.exitMs = clock.now() - start;
        if (!exited) rec.problem = `still running ${(rec.exitMs / 1000).toFixed(0)} s after SIGTERM: killed`;
      }
      log(`${spec.label}: process #${spec.proc} :${slot.port} is gone${rec.exitMs !== undefined ? ` (drained in ${(rec.exitMs / 1000).toFixed(1)} s)` : ""}; restarting it on the same port`);
      rec.readyMs = await slot.start();
    } else if (spec.kind === "redis") {
      await run.redis!.kill();
      log(`${spec.label}: redis-server killed; back in ${spec.forS} s`);
      await sleep(spec.forS * 1000);
      await run.redis!.up();
    } else {
      await run.mongo!.cut();
      log(`${spec.label}: MongoDB cut at the proxy; back in ${spec.forS} s`);
      await sleep(spec.forS * 1000);
      await run.mongo!.restore();
    }
  } catch (err) {
    rec.problem = (err as Error).message.split("\n")[0];
    run.problems.push(`${spec.label}: ${rec.problem}`);
  }
  rec.end = clock.now();
  log(`${spec.label}: back after ${((rec.end - start) / 1000).toFixed(1)} s${rec.readyMs !== undefined ? ` (ready in ${(rec.readyMs / 1000).toFixed(1)} s)` : ""}${rec.problem ? ` — PROBLEM: ${rec.problem}` : ""}`);
  return rec;
}

/** The schedule, one fault at a time; stops early when the run is interrupted. */
export async function runSchedule(run: Run): Promise<void> {
  for (const spec of run.opts.faults) {
    const wait = spec.atS * 1000 - clock.now();
    if (wait > 0) await interruptible(run, wait);
    if (run.interrupted) return;
    if (wait < -1000) log(`${spec.label}: starting ${(-wait / 1000).toFixed(1)} s late (the fault before took that long)`);
    run.faults.push(await inject(run, spec));
  }
}
