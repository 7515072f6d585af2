/**
 * server/pm2-io.ts: when Colyseus's stats import @pm2/io, they get the quiet instance, not
 * @pm2/io's own (which starts an event-loop sampler, a PM2 timer and process handlers).
 */
import { strict as assert } from "node:assert";
import "../../server/pm2-io";

describe("@pm2/io stays out of the process (server/pm2-io.ts)", () => {
  it("hands the quiet instance to whoever imports @pm2/io, as Colyseus's Stats does", async () => {
    const handlers = process.listeners("uncaughtException").length;
    const io = (await import("@pm2/io")) as unknown as { default: Record<string, unknown> };
    const registered = (globalThis as unknown as Record<symbol, unknown>)[Symbol.for("@pm2/io")];
    assert.equal(io.default, registered);
    assert.equal(typeof io.default.metric, "function");
    assert.doesNotThrow(() => (io.default.metric as (o: object) => unknown)({ id: "app/stats/ccu", name: "ccu", value: () => 0 }));
    assert.equal(io.default.initModule, undefined, "not @pm2/io's own PMX instance");
    assert.equal(process.listeners("uncaughtException").length, handlers, "no handler of @pm2/io's was added");
  });
});
