import { strict as assert } from "node:assert";
import { ConfigError, loadConfig } from "../../server/config";

describe("config", () => {
  it("has safe defaults: loopback, 2567, a generated secret", () => {
    const config = loadConfig({});
    assert.equal(config.HOST, "127.0.0.1");
    assert.equal(config.PORT, 2567);
    assert.equal(config.jwtSecretGenerated, true);
    assert.ok(config.JWT_SECRET!.length >= 32);
    assert.ok(Object.isFrozen(config));
  });
  it("names the key of a bad value", () => {
    assert.throws(() => loadConfig({ PORT: "eighty" }), (e: Error) => e instanceof ConfigError && /PORT="eighty"/.test(e.message));
    assert.throws(() => loadConfig({ RECONNECT_SECONDS: "-1" }), /RECONNECT_SECONDS/);
    assert.throws(() => loadConfig({ REDIS_URL: "not a url" }), /REDIS_URL/);
    assert.throws(() => loadConfig({ JWT_SECRET: "short" }), /JWT_SECRET.*at least 32/);
  });
  it("refuses production without JWT_SECRET", () => {
    assert.throws(() => loadConfig({ NODE_ENV: "production" }), /JWT_SECRET: required when NODE_ENV=production/);
    assert.equal(loadConfig({ NODE_ENV: "production", JWT_SECRET: "p".repeat(40) }).jwtSecretGenerated, false);
  });
  it("wants both admin settings or neither", () => {
    assert.throws(() => loadConfig({ ADMIN_USER: "admin" }), /ADMIN_USER and ADMIN_PASSWORD/);
  });
  it("fills {port} into PUBLIC_ADDRESS and the per-process files", () => {
    const c = loadConfig({ PORT: "2569", PUBLIC_ADDRESS: "play.example.org/{port}" });
    assert.deepEqual([c.PUBLIC_ADDRESS, c.OUTBOX_PATH, c.DEAD_LETTER_PATH], ["play.example.org/2569", ".data/outbox-2569.jsonl", ".data/dead-letter-2569.jsonl"]);
  });
  it("takes only redis:// and rediss:// URLs, and a cluster only with a shared MongoDB", () => {
    const mongo = { MONGODB_URL: "mongodb://127.0.0.1:27017" };
    assert.throws(() => loadConfig({ ...mongo, REDIS_URL: "localhost:6379" }), /REDIS_URL="localhost:6379": must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.throws(() => loadConfig({ ...mongo, REDIS_URL: "http://127.0.0.1:6379" }), /REDIS_URL/);
    assert.equal(loadConfig({ ...mongo, REDIS_URL: "rediss://:pw@cache.example.org:6380/3" }).REDIS_URL, "rediss://:pw@cache.example.org:6380/3");
    assert.throws(() => loadConfig({ REDIS_URL: "redis://127.0.0.1:6379/2" }), /REDIS_URL needs MONGODB_URL/);
    // Values a regex would let through but the URL reader would misread or throw on.
    for (const bad of ["redis://[bad", "redis://%zz@h/0", "redis://h:6379/x", "redis://h:99999/1"]) assert.throws(() => loadConfig({ ...mongo, REDIS_URL: bad }), /REDIS_URL/, bad);
    assert.throws(() => loadConfig({ ...mongo, REDIS_URL: "redis://h", REDIS_SENTINELS: "h:99999" }), /REDIS_SENTINELS/);
  });
  it("reads Sentinel addresses, and wants REDIS_URL with them", () => {
    const c = loadConfig({ MONGODB_URL: "mongodb://m", REDIS_URL: "redis://:pw@primary/2", REDIS_SENTINELS: "10.0.0.1:26379, [::1]:26380" });
    assert.deepEqual([c.REDIS_SENTINELS, c.REDIS_SENTINEL_MASTER], [["10.0.0.1:26379", "[::1]:26380"], "lingualeap"]);
    assert.throws(() => loadConfig({ REDIS_SENTINELS: "10.0.0.1" }), /REDIS_SENTINELS/);
    assert.throws(() => loadConfig({ REDIS_SENTINELS: "10.0.0.1:26379" }), /REDIS_SENTINELS needs REDIS_URL/);
  });
  it("treats empty strings as unset", () => {
    assert.equal(loadConfig({ PORT: "" }).PORT, 2567);
  });
});
