/**
 * The load sweep's chart and table: loadtest/support/svg-chart.ts writes well-formed plain SVG
 * (parsed as XML; no script, no external reference) with every point, label and mark where it
 * belongs, and loadtest/harness/sweep-table.ts turns run reports into rows, a table and the chart.
 */
import { strict as assert } from "node:assert";
import { DOMParser, type Document, type Element } from "@xmldom/xmldom";
import { lineChartSvg, niceTicks, xmlEscape, type ChartSpec } from "../../loadtest/support/svg-chart";
import { LATENCY_LINE_MS, rowOf, sweepChart, sweepTable } from "../../loadtest/harness/sweep-table";
import type { Report } from "../../loadtest/harness/report";

/** The SVG parsed as XML; any warning or error of the parser fails the test. */
function parse(svg: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => problems.push(`${level}: ${message}`) }).parseFromString(svg, "image/svg+xml");
  assert.deepEqual(problems, [], "well-formed XML");
  return doc;
}

const all = (doc: Document, tag: string) => Array.from(doc.getElementsByTagName(tag)) as Element[];
const texts = (doc: Document) => all(doc, "text").map((t) => t.textContent ?? "");
const coords = (el: Element) => (el.getAttribute("points") ?? "").split(" ").map((p) => p.split(",").map(Number));

const spec = (): ChartSpec => ({
  title: "p99 < 50 ms & CPU",
  xLabel: "CCU",
  leftLabel: "ms",
  rightLabel: "% of a core",
  series: [
    { name: "p99", axis: "left", color: "#ff7f0e", points: [{ x: 2000, y: 60 }, { x: 500, y: 10 }, { x: 1000, y: 20 }] },
    { name: "cpu", axis: "right", color: "#2ca02c", dash: "6 3", points: [{ x: 500, y: 25 }, { x: 1000, y: 45 }, { x: 2000, y: 90 }] },
  ],
  leftMarks: [{ y: 50, label: "50 ms" }],
});

describe("the sweep's SVG chart (loadtest/support/svg-chart.ts)", () => {
  it("picks nice ticks from 0 past the largest value", () => {
    assert.deepEqual(niceTicks(60), [0, 20, 40, 60]);
    assert.deepEqual(niceTicks(61), [0, 20, 40, 60, 80]);
    assert.deepEqual(niceTicks(2000, 6), [0, 500, 1000, 1500, 2000]);
    assert.deepEqual(niceTicks(0.9), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0), [0, 0.2, 0.4, 0.6, 0.8, 1], "nothing measured: still an axis");
  });

  it("is well-formed plain SVG: the svg namespace, a viewBox, no script, no external reference or font", () => {
    const svg = lineChartSvg(spec());
    const doc = parse(svg);
    const root = doc.documentElement!;
    assert.equal(root.tagName, "svg");
    assert.equal(root.getAttribute("xmlns"), "http://www.w3.org/2000/svg");
    assert.equal(root.getAttribute("viewBox"), "0 0 760 420");
    assert.equal(root.getAttribute("font-family"), "sans-serif");
    assert.equal(all(doc, "script").length, 0);
    assert.equal(all(doc, "style").length, 0);
    assert.doesNotMatch(svg, /href|url\(|@import|<foreignObject/i);
    assert.equal(all(doc, "title")[0].textContent, "p99 < 50 ms & CPU", "the title, escaped in the file and read back whole");
    assert.equal(xmlEscape(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
  });

  it("draws every point of every series, sorted by x, each series against its own axis", () => {
    const doc = parse(lineChartSvg(spec()));
    const lines = all(doc, "polyline");
    assert.equal(lines.length, 2);
    assert.equal(all(doc, "circle").length, 6);
    const [p99, cpu] = lines.map(coords);
    assert.deepEqual(p99.map(([x]) => x), [...p99.map(([x]) => x)].sort((a, b) => a - b), "left to right");
    // x: 0…2000 over the plot (64 … 696 px); left axis 0…60 ms, right axis 0…100 % over 56 … 364 px.
    assert.deepEqual(p99[0], [64 + (500 / 2000) * 632, 364 - (10 / 60) * 308].map((v) => Math.round(v * 10) / 10));
    assert.deepEqual(p99[2], [696, 56], "the largest value sits at the top of its axis");
    assert.deepEqual(cpu[2], [696, Math.round((364 - 0.9 * 308) * 10) / 10], "90 % on a 0…100 right axis");
    assert.equal(lines[1].getAttribute("stroke-dasharray"), "6 3");
  });

  it("labels the axes, the ticks, the legend and the marks", () => {
    const doc = parse(lineChartSvg(spec()));
    const t = texts(doc);
    for (const label of ["CCU", "ms", "% of a core", "50 ms", "p99 (left axis)", "cpu (right axis)", "0", "500", "1,000", "2,000", "60", "100"]) assert.ok(t.includes(label), `"${label}" is written: ${t.join(" | ")}`);
    const mark = all(doc, "line").find((l) => l.getAttribute("stroke") === "#d62728")!;
    assert.equal(Number(mark.getAttribute("y1")), Math.round((364 - (50 / 60) * 308) * 10) / 10, "the 50 ms line at 50 on the left axis");
  });
});

/** A report as the harness writes it, with the fields the sweep reads. */
function report(bots: number, p99: number, serverCpu: number): Report {
  return {
    ok: p99 < 100,
    failures: p99 < 100 ? [] : ["2 errors (more than --max-errors 0)"],
    ccu: { peak: bots - 10, mean: bots - 100 },
    latencyMs: { answerPatch: { count: 100, mean: 2, p50: 1.2, p95: p99 / 2, p99, max: p99 * 2 } },
    servers: [{ endpoint: "http://127.0.0.1:1", pid: 1, cpuPercentMean: serverCpu, cpuPercentBusiest5s: serverCpu + 5, rssMB: 200 }],
    loadGenerator: [{ shard: 0, bots: bots / 2, cpuPercentMean: 20, maxLoopDelayP99Ms: 30 }, { shard: 1, bots: bots / 2, cpuPercentMean: 22, maxLoopDelayP99Ms: 41 }],
    machineCpu: { cpuPercentMean: 120, cpuPercentBusiest5s: 150, stealPercentMean: 1 },
    saturation: { verdict: "neither", serverCpuMsPerLearnerSecond: 0.031 },
    duelsCompleted: bots,
    errors: p99 < 100 ? {} : { DUEL_TOO_LATE: 2 },
  } as unknown as Report;
}

describe("the sweep's rows, table and chart (loadtest/harness/sweep-table.ts)", () => {
  const rows = [rowOf(500, 0, report(500, 12, 30)), rowOf(1000, 0, report(1000, 55.5, 60)), rowOf(2000, 1, report(2000, 120, 95)), rowOf(3000, null, undefined)];

  it("takes each run's figures from its report, and marks a run that wrote none", () => {
    assert.deepEqual(
      { ccu: rows[1].ccuPeak, p99: rows[1].answerPatchP99, cpu: rows[1].serverCpuPercent, gen: rows[1].loadGeneratorCpuPercent, lag: rows[1].loadGeneratorLagP99Ms, cost: rows[1].serverCpuMsPerLearnerSecond },
      { ccu: 990, p99: 55.5, cpu: 60, gen: 42, lag: 41, cost: 0.031 },
    );
    assert.equal(rows[2].ok, false);
    assert.equal(rows[2].errors, 2);
    assert.equal(rows[3].ok, false);
    assert.deepEqual(rows[3].failures, ["the run wrote no report"]);
  });

  it("writes one table line per run, p99 over the line in bold, failures said", () => {
    const table = sweepTable(rows, "npm run loadtest:sweep -- --bots 500,1000,2000,3000");
    const body = table.split("\n").filter((l) => /^\| \d/.test(l));
    assert.equal(body.length, 4);
    assert.match(body[0], /\| 500 \| 490 \/ 400 \| 1\.2 \/ 12 \(24\) \| 30 % \(35 %\) \|.*\| OK \|$/);
    assert.match(body[1], /\*\*55\.5\*\*/);
    assert.match(body[2], /FAILED \(exit 1\): 2 errors/);
    assert.match(body[3], /FAILED \(exit null\): the run wrote no report/);
  });

  it("charts CCU against p50, p99 and server CPU, with the 50 ms line, skipping a run without figures", () => {
    const doc = parse(sweepChart(rows, "sweep"));
    const lines = all(doc, "polyline");
    assert.equal(lines.length, 3, "p50, p99, server CPU");
    for (const l of lines) assert.equal(coords(l).length, 3, "three runs with figures");
    const hollow = all(doc, "circle").filter((c) => c.getAttribute("fill") === "#ffffff");
    assert.equal(hollow.length, 3, "the failed run's point is hollow on each of the three lines");
    assert.deepEqual([...new Set(hollow.map((c) => Number(c.getAttribute("cx"))))], [coords(lines[0])[2][0]], "at its CCU");
    const t = texts(doc);
    assert.ok(t.includes("hollow point: a run that failed"));
    const cpu = coords(lines[2]);
    assert.deepEqual(cpu.map(([, y]) => y), [30, 60, 95].map((v) => Math.round((364 - (v / 100) * 308) * 10) / 10), "server CPU on a 0…100 % axis");
    assert.ok(t.includes("100"));
    for (const label of ["answer→patch p50 (left axis)", "answer→patch p99 (left axis)", "server CPU (right axis)", `${LATENCY_LINE_MS} ms`, "CCU (learners holding a WebSocket, peak)"]) assert.ok(t.includes(label), label);
  });
});
