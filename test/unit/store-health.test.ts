import { strict as assert } from "node:assert";
import pino from "pino";
import { StoreHealth } from "../../server/store/health";
import { waitUntil } from "../helpers/wait";

/** A store whose ping answers, fails, or never answers, as the test says. */
function fakeStore() {
  const state = { mode: "up" as "up" | "down" | "hang", pings: 0 };
  const store = {
    ping: () => {
      state.pings += 1;
      if (state.mode === "up") return Promise.resolve();
      if (state.mode === "down") return Promise.reject(new Error("connect ECONNREFUSED"));
      return new Promise<void>(() => undefined);
    },
  };
  return { state, store };
}

describe("store health: what needs the store on a learner's way in never waits for it", () => {
  const log = pino({ level: "silent" });

  it("answers a slow call with the fallback within its bound and checks the store at once", async () => {
    const { state, store } = fakeStore();
    const health = new StoreHealth(store, log);
    health.start();
    await waitUntil(() => state.pings >= 1, "the first ping");
    state.mode = "hang";
    const started = Date.now();
    const answer = await health.orElse(() => new Promise<boolean>(() => undefined), true, 100);
    assert.equal(answer, true);
    assert.ok(Date.now() - started < 500, "bounded");
    state.mode = "down";
    await waitUntil(() => !health.isUp, "the store taken for down after the slow call", 3000);
    const down = Date.now();
    assert.equal(await health.orElse(async () => false, true), true, "while down, the fallback at once");
    assert.ok(Date.now() - down < 50);
    health.stop();
  });

  it("wakes whoever waits the moment a ping answers again", async () => {
    const { state, store } = fakeStore();
    state.mode = "down";
    const health = new StoreHealth(store, log);
    health.start();
    await waitUntil(() => !health.isUp, "down");
    let woke = false;
    void health.whenUp().then(() => (woke = true));
    state.mode = "up";
    await waitUntil(() => woke, "the waiter woken", 3000);
    assert.equal(health.isUp, true);
    health.stop();
  });
});
