import { strict as assert } from "node:assert";
import { BoardChanges } from "../../server/services";

describe("live board changes: one presence subscription per process", () => {
  it("subscribes once for any number of rooms and calls only the rooms of the boards that changed", async () => {
    let subscriptions = 0;
    let publish: (keys: unknown) => void = () => undefined;
    const changes = new BoardChanges({ subscribe: async (_channel: string, cb: (keys: unknown) => void) => void ((subscriptions += 1), (publish = cb)) } as never);
    const calls: string[] = [];
    const heard: unknown[] = [];
    const stops = await Promise.all(Array.from({ length: 20 }, (_, i) => changes.watch(i % 2 ? "es|alltime" : "global|alltime", (rows) => (calls.push(`room${i}`), heard.push(rows)))));
    assert.equal(subscriptions, 1);
    const row = { userId: "u1", name: "Ana", score: 120 };
    publish({ "es|alltime": [row, { userId: 7, name: "bad row", score: "x" }], "es|2026-W47": [row] });
    assert.equal(calls.length, 10);
    assert.deepEqual(heard[0], [row], "rows of the wrong shape are left out");
    publish({ "*": [{ userId: "u2", name: "New name" }] });
    assert.equal(calls.length, 30, "a new name reaches the rooms of every board");
    assert.deepEqual(heard[29], [{ userId: "u2", name: "New name" }]);
    stops.forEach((stop) => stop());
    publish({ "es|alltime": [row], "global|alltime": [row] });
    publish("not an object");
    publish(["es|alltime"]);
    assert.equal(calls.length, 30, "a stopped room is not called");
  });
  it("tries to subscribe again when presence failed", async () => {
    let attempts = 0;
    const changes = new BoardChanges({ subscribe: async () => { attempts += 1; if (attempts === 1) throw new Error("redis down"); } } as never);
    await assert.rejects(changes.watch("global|alltime", () => undefined), /redis down/);
    await changes.watch("global|alltime", () => undefined);
    assert.equal(attempts, 2);
  });
});
