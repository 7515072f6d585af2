import { strict as assert } from "node:assert";
import { Writable } from "node:stream";
import pino from "pino";
import { colyseusLogger, mistakeLog } from "../../server/logger";

/** A pino logger whose lines land in `lines`. */
function capture(level = "debug") {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
  return { log: pino({ level }, stream), lines };
}

describe("logging clients' mistakes", () => {
  it("logs the first mistake of a kind at debug, then at most one line per kind every 10 s, with the count skipped", () => {
    const { log, lines } = capture();
    let now = 0;
    const mistake = mistakeLog(log, () => now);
    for (let i = 0; i < 1000; i++) mistake("bad_frame", { room: "word_duel" });
    mistake("http_refused", { code: "BAD_REQUEST" });
    now = 10_001;
    mistake("bad_frame", { room: "word_duel" });
    assert.deepEqual(lines.map((l) => [l.level, l.kind, l.skipped]), [[20, "bad_frame", 0], [20, "http_refused", 0], [20, "bad_frame", 999]]);
  });
  it("costs nothing when debug is off", () => {
    const { log, lines } = capture("info");
    mistakeLog(log)("bad_frame", {});
    assert.equal(lines.length, 0);
  });
  it("turns Colyseus's lines about a misbehaving client into sampled debug lines; keeps the rest as they are", () => {
    const { log, lines } = capture();
    const colyseus = colyseusLogger(log);
    colyseus.error("Invalid WebSocket frame: invalid UTF-8 sequence\n    at Receiver.controlMessage (ws/lib/receiver.js:1:1)");
    colyseus.error("Error: seat reservation expired.");
    colyseus.error("RangeError: Max payload size exceeded");
    colyseus.error("Unsupported WebSocket frame: payload length > 2^53 - 1\nRangeError: … at Receiver.getPayloadLength64");
    colyseus.info('❌ room "abcdef" has been disposed. Did you miss .allowReconnection()?');
    colyseus.error("something of ours broke");
    colyseus.warn("DEPRECATION WARNING: x");
    assert.deepEqual(lines.map((l) => [l.level, l.kind ?? l.msg]), [[20, "colyseus"], [50, "something of ours broke"], [40, "DEPRECATION WARNING: x"]]);
    assert.equal(lines[0].component, "colyseus");
  });
});
