import { strict as assert } from "node:assert";
import { BoardChanges } from "../../server/services";

describe("live board changes: one presence subscription per process", () => {
  it("subscribes once for any number of rooms and calls only the rooms of the boards that changed", async () => {
    let subscriptions = 0;
    let publish: (keys: unknown) => void = () => undefined;
    const changes = new BoardChanges({ subscribe: async (_channel: string, cb: (keys: unknown) => void) => void ((subscriptions += 1), (publish = cb)) } as never);
    const calls: string[] = [];
    const stops = await Promise.all(Array.from({ length: 20 }, (_, i) => changes.watch(i % 2 ? "es|alltime" : "global|alltime", () => calls.push(`room${i}`))));
    assert.equal(subscriptions, 1);
    publish(["es|alltime", "es|2026-W47"]);
    assert.equal(calls.length, 10);
    stops.forEach((stop) => stop());
    publish(["es|alltime", "global|alltime"]);
    publish("not a list");
    assert.equal(calls.length, 10, "a stopped room is not called");
  });
  it("tries to subscribe again when presence failed", async () => {
    let attempts = 0;
    const changes = new BoardChanges({ subscribe: async () => { attempts += 1; if (attempts === 1) throw new Error("redis down"); } } as never);
    await assert.rejects(changes.watch("global|alltime", () => undefined), /redis down/);
    await changes.watch("global|alltime", () => undefined);
    assert.equal(attempts, 2);
  });
});
