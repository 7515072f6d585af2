import { strict as assert } from "node:assert";
import { isRedisOutage } from "../../server/redis";
import { isOutage } from "../../server/results.service";
import { BoardSinkError } from "../../server/boards";

describe("what counts as Redis being unable right now (not the request's fault)", () => {
  it("knows a dropped connection, a command out of retries and Redis's own 'not now' replies", () => {
    const away = [
      Object.assign(new Error("Reached the max retries per request limit"), { name: "MaxRetriesPerRequestError" }),
      new Error("Connection is closed."),
      new Error("connect ECONNREFUSED 127.0.0.1:6379"),
      new Error("OOM command not allowed when used memory > 'maxmemory'."),
      new Error("READONLY You can't write against a read only replica."),
      new Error("LOADING Redis is loading the dataset in memory"),
      new Error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."),
      new Error("EXECABORT Transaction discarded because of previous errors."),
    ];
    for (const err of away) assert.equal(isRedisOutage(err), true, err.message);
    for (const err of [new Error("ERR wrong number of arguments for 'zadd' command"), new Error("WRONGTYPE Operation against a key holding the wrong kind of value"), null, "OOM"]) {
      assert.equal(isRedisOutage(err), false, String(err));
    }
  });

  it("makes a result wait (an outage) whatever the boards' sink answered", () => {
    assert.equal(isOutage(new BoardSinkError(new Error("WRONGTYPE …"))), true);
    assert.equal(isOutage(new Error("OOM command not allowed when used memory > 'maxmemory'.")), true);
    assert.equal(isOutage(new Error("malformed")), false);
  });
});
