/**
 * A line chart as a plain SVG string, with a left and a right value axis (the load sweep's
 * chart: latency in ms on the left, CPU % on the right, over CCU). Plain SVG 1.1 only: no
 * script, no CSS, no external font (the generic sans-serif), so it renders as an image in
 * GitHub markdown. Pure: data in, text out.
 *
 * Written by hand (about 100 lines) rather than taken from a library: the small server-side
 * SVG chart packages draw one series on one axis, and Vega/Vega-Lite, which can draw this,
 * bring some thirty packages for one chart.
 */

/** One line: its points, which value axis it is read against, and how it is drawn. */
export interface ChartSeries {
  name: string;
  axis: "left" | "right";
  /** A hollow point is one to read with care (the sweep: a run that failed). */
  points: { x: number; y: number; hollow?: boolean }[];
  color: string;
  /** An SVG stroke-dasharray, e.g. "6 3". */
  dash?: string;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  leftLabel: string;
  rightLabel: string;
  series: ChartSeries[];
  /** Horizontal marks on the left axis (e.g. a latency target). */
  leftMarks?: { y: number; label: string }[];
  /** The right axis reaches at least this far (e.g. 100 for "% of a core"), whatever the data. */
  rightAtLeast?: number;
  width?: number;
  height?: number;
}

/** "Nice" tick values (1, 2 or 5 × 10^k apart) covering 0…max, about `count` of them. */
export function niceTicks(max: number, count = 5): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const raw = top / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < top + step - 1e-9 * step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Text safe inside an SVG element or attribute. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

const num = (v: number) => String(Math.round(v * 10) / 10);
const label = (v: number) => (Math.abs(v) >= 1000 ? v.toLocaleString("en-US") : String(v));

/**
 * The chart's SVG text.
 * @example
 * lineChartSvg({ title: "sweep", xLabel: "CCU", leftLabel: "ms", rightLabel: "%", series: [{ name: "p99", axis: "left", color: "#c00", points: [{ x: 500, y: 12 }] }] })
 */
export function lineChartSvg(spec: ChartSpec): string {
  const W = spec.width ?? 760;
  const H = spec.height ?? 420;
  const m = { left: 64, right: 64, top: 56, bottom: 56 };
  const plotW = W - m.left - m.right;
  const plotH = H - m.top - m.bottom;
  const all = spec.series.flatMap((s) => s.points);
  const maxOf = (axis: "left" | "right") => Math.max(0, ...spec.series.filter((s) => s.axis === axis).flatMap((s) => s.points.map((p) => p.y)), ...(axis === "left" ? (spec.leftMarks ?? []).map((k) => k.y) : [spec.rightAtLeast ?? 0]));
  const xTicks = niceTicks(Math.max(0, ...all.map((p) => p.x)), 6);
  const yTicks = { left: niceTicks(maxOf("left")), right: niceTicks(maxOf("right")) };
  const xMax = xTicks[xTicks.length - 1];
  const X = (x: number) => m.left + (x / xMax) * plotW;
  const Y = (axis: "left" | "right", y: number) => m.top + plotH - (y / yTicks[axis][yTicks[axis].length - 1]) * plotH;
  const out: string[] = [];
  const text = (x: number, y: number, body: string, attrs = "") => out.push(`<text x="${num(x)}" y="${num(y)}"${attrs ? ` ${attrs}` : ""}>${xmlEscape(body)}</text>`);

  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  // A long title (the sweep's command) gets a smaller font rather than running off the image.
  const titleSize = Math.max(9, Math.min(15, Math.floor((W - m.left - 8) / (0.62 * spec.title.length))));
  text(m.left, 24, spec.title, `font-size="${titleSize}" font-weight="bold"`);
  for (const t of xTicks) {
    out.push(`<line x1="${num(X(t))}" y1="${m.top}" x2="${num(X(t))}" y2="${m.top + plotH}" stroke="#e5e5e5"/>`);
    text(X(t), m.top + plotH + 16, label(t), `text-anchor="middle"`);
  }
  for (const t of yTicks.left) {
    out.push(`<line x1="${m.left}" y1="${num(Y("left", t))}" x2="${m.left + plotW}" y2="${num(Y("left", t))}" stroke="#e5e5e5"/>`);
    text(m.left - 6, Y("left", t) + 4, label(t), `text-anchor="end"`);
  }
  for (const t of yTicks.right) text(m.left + plotW + 6, Y("right", t) + 4, label(t));
  out.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888888"/>`);
  text(m.left + plotW / 2, H - 14, spec.xLabel, `text-anchor="middle"`);
  text(16, m.top + plotH / 2, spec.leftLabel, `text-anchor="middle" transform="rotate(-90 16 ${num(m.top + plotH / 2)})"`);
  text(W - 12, m.top + plotH / 2, spec.rightLabel, `text-anchor="middle" transform="rotate(90 ${W - 12} ${num(m.top + plotH / 2)})"`);
  for (const mark of spec.leftMarks ?? []) {
    const y = Y("left", mark.y);
    out.push(`<line x1="${m.left}" y1="${num(y)}" x2="${m.left + plotW}" y2="${num(y)}" stroke="#d62728" stroke-width="1.5" stroke-dasharray="2 3"/>`);
    text(m.left + 6, y - 5, mark.label, `fill="#d62728"`);
  }
  spec.series.forEach((s, i) => {
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    const pts = sorted.map((p) => `${num(X(p.x))},${num(Y(s.axis, p.y))}`);
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    if (pts.length > 1) out.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    pts.forEach((p, k) => {
      const [cx, cy] = p.split(",");
      out.push(`<circle cx="${cx}" cy="${cy}" r="3.5" fill="${sorted[k].hollow ? "#ffffff" : s.color}" stroke="${s.color}" stroke-width="1.5"/>`);
    });
    const lx = m.left + 8 + i * Math.floor(plotW / Math.max(1, spec.series.length));
    out.push(`<line x1="${lx}" y1="40" x2="${lx + 22}" y2="40" stroke="${s.color}" stroke-width="2"${dash}/>`);
    text(lx + 28, 44, `${s.name} (${s.axis === "left" ? "left" : "right"} axis)`);
  });
  if (all.some((p) => p.hollow)) text(m.left + plotW, H - 14, "hollow point: a run that failed", `text-anchor="end" font-size="11"`);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12" fill="#222222">`,
    `<title>${xmlEscape(spec.title)}</title>`,
    ...out,
    `</svg>`,
    "",
  ].join("\n");
}
