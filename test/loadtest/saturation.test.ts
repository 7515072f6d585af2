/**
 * The load report's verdict (loadtest/harness/saturation.rules.ts): which side of a run was
 * saturated, from its figures, and the server's CPU per connected learner-second; and the
 * machine's CPU as read from /proc/stat (loadtest/harness/procs.ts readMachine).
 */
import { strict as assert } from "node:assert";
import { readMachine } from "../../loadtest/harness/procs";
import { COST_TARGET_MS, saturation, type SaturationInput } from "../../loadtest/harness/saturation.rules";

const idle = { cpuPercentMean: 20, cpuPercentBusiest5s: 30 };
/** A 60 s run of 1,000 learners on 2 CPUs with nothing near a limit. */
const calm = (): SaturationInput => ({
  nproc: 2,
  durationS: 60,
  ccuMean: 1000,
  servers: [{ ...idle, cpuMs: 1500 }],
  shards: [{ ...idle, maxLoopDelayP99Ms: 12 }, { ...idle, maxLoopDelayP99Ms: 20 }],
  machine: { cpuPercentMean: 80, cpuPercentBusiest5s: 110 },
});

describe("load report: which side was saturated", () => {
  it("says neither when no process nears a core, no shard lags and the machine has room", () => {
    const v = saturation(calm());
    assert.equal(v.verdict, "neither");
    assert.deepEqual(v.saturated, []);
    assert.deepEqual(v.reasons, []);
    assert.equal(v.serversJudged, true);
  });

  it("says server when a server process is at 90 % of a core over the run, or in its busiest 5 s", () => {
    const mean = calm();
    mean.servers = [{ cpuPercentMean: 93, cpuPercentBusiest5s: 97, cpuMs: 55800 }];
    const v = saturation(mean);
    assert.equal(v.verdict, "server");
    assert.match(v.reasons[0], /server 0: mean 93 % of a core/);

    const burst = calm();
    burst.servers = [{ cpuPercentMean: 60, cpuPercentBusiest5s: 90, cpuMs: 36000 }, { ...idle, cpuMs: 100 }];
    const w = saturation(burst);
    assert.deepEqual(w.saturated, ["server"]);
    assert.match(w.reasons[0], /server 0: 90 % of a core in its busiest 5 s/);
    assert.equal(saturation({ ...burst, servers: [{ cpuPercentMean: 60, cpuPercentBusiest5s: 89.9, cpuMs: 1 }] }).verdict, "neither", "89.9 % is below the line");
  });

  it("says load generator when a shard nears a core or its event-loop delay p99 passes 50 ms", () => {
    const busy = calm();
    busy.shards[1] = { cpuPercentMean: 91, cpuPercentBusiest5s: 95, maxLoopDelayP99Ms: 10 };
    assert.equal(saturation(busy).verdict, "load generator");
    assert.match(saturation(busy).reasons[0], /^shard 1: mean 91 % of a core/);

    const lagging = calm();
    lagging.shards[0].maxLoopDelayP99Ms = 50;
    assert.equal(saturation(lagging).verdict, "neither", "50 ms itself is not above the line");
    lagging.shards[0].maxLoopDelayP99Ms = 51;
    assert.equal(saturation(lagging).verdict, "load generator");
    assert.match(saturation(lagging).reasons[0], /shard 0: event-loop delay p99 51 ms \(> 50 ms\)/);
  });

  it("says machine when all CPUs together reach 90 % of nproc cores, and names every side saturated", () => {
    const full = calm();
    full.machine = { cpuPercentMean: 150, cpuPercentBusiest5s: 180 };
    assert.equal(saturation(full).verdict, "machine");
    assert.match(saturation(full).reasons[0], /all CPUs: 180 % in its busiest 5 s of 200 %/);
    full.machine = { cpuPercentMean: 179, cpuPercentBusiest5s: 179 };
    assert.equal(saturation(full).verdict, "neither");
    full.nproc = 4;
    full.machine = { cpuPercentMean: 300, cpuPercentBusiest5s: 340 };
    assert.equal(saturation(full).verdict, "neither", "4 CPUs: the line is 360 %");

    const all = calm();
    all.servers = [{ cpuPercentMean: 95, cpuPercentBusiest5s: 99, cpuMs: 57000 }];
    all.shards[0].maxLoopDelayP99Ms = 200;
    all.machine = { cpuPercentMean: 190, cpuPercentBusiest5s: 199 };
    const v = saturation(all);
    assert.deepEqual(v.saturated, ["server", "load generator", "machine"]);
    assert.equal(v.verdict, "server + load generator + machine");
    assert.equal(v.reasons.length, 3);
  });

  it("gives the servers' CPU per connected learner-second against the 0.05 ms target", () => {
    const v = saturation(calm());
    assert.equal(v.serverCpuMsPerLearnerSecond, 0.025, "1,500 ms ÷ (1,000 learners × 60 s)");
    assert.equal(v.withinCostTarget, true);
    const two = calm();
    two.servers = [{ ...idle, cpuMs: 2000 }, { ...idle, cpuMs: 2000 }];
    assert.equal(saturation(two).serverCpuMsPerLearnerSecond, 0.0667, "both servers' CPU counts");
    assert.equal(saturation(two).withinCostTarget, false);
    const exact = calm();
    exact.servers[0].cpuMs = COST_TARGET_MS * 60_000;
    assert.equal(saturation(exact).withinCostTarget, true, "the target itself is met");
  });

  it("judges no server and gives no cost without spawned servers (--endpoint) or without learners", () => {
    const endpoint = { ...calm(), servers: [] };
    const v = saturation(endpoint);
    assert.equal(v.serversJudged, false);
    assert.equal(v.serverCpuMsPerLearnerSecond, null);
    assert.equal(v.withinCostTarget, null);
    assert.equal(saturation({ ...calm(), ccuMean: 0 }).serverCpuMsPerLearnerSecond, null);
    assert.equal(saturation({ ...calm(), machine: undefined }).verdict, "neither", "no /proc/stat: the machine is not judged");
  });
});

describe("load report: the machine's CPU from /proc/stat", () => {
  it("counts user, nice, system, irq, softirq and steal as busy, idle and iowait as not, over every CPU", () => {
    const stat = ["cpu  100 5 50 800 20 3 2 10 7 0", "cpu0 50 2 25 400 10 1 1 5 3 0", "cpu1 50 3 25 400 10 2 1 5 4 0", "intr 12345"].join("\n");
    const s = readMachine(stat)!;
    assert.equal(s.busy, 100 + 5 + 50 + 3 + 2 + 10);
    assert.equal(s.steal, 10);
    assert.equal(s.total, s.busy + 800 + 20);
    assert.equal(s.cpus, 2);
    assert.equal(readMachine("intr 1"), undefined, "no cpu line");
  });
});
