import { strict as assert } from "node:assert";
import { ServerError } from "@colyseus/core";
import { FORBIDDEN_KEYS, pickOptions, replaceOptions } from "../../rooms/shared/options.rules";
import { publicError } from "../../rooms/shared/public-error";
import { joinOptions, prepareJoin, rankedSetup } from "../../rooms/word-duel/options";

const services = { langs: () => ["es", "fr"], words: (_lang: string, lessonId?: string) => (lessonId === "es-nope" ? null : [{ en: ["a"], target: ["b"], lessonId: "es-food", level: "A1" }]) };

describe("join options: whitelisted keys in a fresh object", () => {
  it("keeps only the named own keys, in a null-prototype object", () => {
    const picked = pickOptions({ lang: "es", mode: "typed", ranked: ["x"] }, ["lang", "mode"]);
    assert.ok(picked.ok);
    assert.deepEqual({ ...picked.value }, { lang: "es", mode: "typed" });
    assert.equal(Object.getPrototypeOf(picked.value), null);
  });
  it("refuses an object whose prototype was replaced (what a deep merge makes of a __proto__ key)", () => {
    const polluted = Object.assign(Object.create({ invited: ["me"], bot: { name: "x", rating: 0 } }), { lang: "es", mode: "typed" });
    assert.equal(pickOptions(polluted, ["lang", "mode", "invited"]).ok, false);
  });
  it("refuses __proto__, constructor, prototype and Object.prototype's names, at any depth", () => {
    for (const body of ['{"__proto__":{"ranked":["x"]}}', '{"constructor":{"prototype":{}}}', '{"lang":"es","hasOwnProperty":1}', '{"a":{"b":{"__proto__":1}}}', '{"a":[{"toString":1}]}']) {
      const picked = pickOptions(JSON.parse(body), ["lang", "a"]);
      assert.equal(picked.ok, false, body);
    }
    assert.ok(FORBIDDEN_KEYS.includes("__proto__") && FORBIDDEN_KEYS.includes("valueOf") && FORBIDDEN_KEYS.includes("prototype"));
  });
  it("refuses what is not a plain object; none is no options", () => {
    for (const raw of [[], "x", 3, new Date(), new Map()]) assert.equal(pickOptions(raw, ["lang"]).ok, false, String(raw));
    assert.deepEqual({ ...(pickOptions(undefined, ["lang"]) as { value: object }).value }, {});
  });
  it("rewrites the client's object in place to exactly the clean options", () => {
    const target: Record<string, unknown> = JSON.parse('{"lang":"es","__proto__":{"x":1},"extra":2}');
    replaceOptions(target, { lang: "es", mode: "typed" });
    assert.deepEqual(Object.keys(target), ["lang", "mode"]);
    assert.equal(Object.hasOwn(target, "__proto__"), false);
  });
  it("reads each room's own keys: challenge only in word_duel, review only in practice, no lesson in the queue", () => {
    assert.equal(joinOptions(services, { lang: "es", mode: "typed", challenge: true }, "word_duel").challenge, true);
    assert.equal(joinOptions(services, { lang: "es", mode: "typed", challenge: true }, "practice").challenge, undefined);
    assert.equal(joinOptions(services, { lang: "es", mode: "typed", review: true }, "practice").review, true);
    assert.equal(joinOptions(services, { lang: "es", mode: "typed", review: true }, "word_duel").review, undefined);
    const queue: Record<string, unknown> = { lang: "es", mode: "choice", lessonId: "es-nope", ranked: ["me"], reviewFor: "other" };
    prepareJoin(services, queue, "ranked_queue");
    assert.deepEqual(queue, { lang: "es", mode: "choice", direction: "en-target" });
  });
  it("strips what only the server sets from a client's duel options", () => {
    const options: Record<string, unknown> = { lang: "es", mode: "typed", invited: ["a"], bot: { name: "x", rating: 0 }, reviewFor: "someone", practice: true };
    prepareJoin(services, options, "word_duel");
    assert.deepEqual(options, { lang: "es", mode: "typed", direction: "en-target", lessonId: "" });
  });
  it("answers bad options with DUEL_BAD_OPTIONS", () => {
    assert.throws(() => joinOptions(services, JSON.parse('{"lang":"es","mode":"typed","__proto__":{}}')), (e: ServerError) => e.code === 400 && /^DUEL_BAD_OPTIONS: option names/.test(e.message));
    assert.throws(() => joinOptions(services, { lang: "es", mode: "typed", lessonId: "es-nope" }), /DUEL_BAD_OPTIONS: no lesson/);
  });
  it("reads the ranked queue's setup, and refuses a malformed one", () => {
    assert.deepEqual(rankedSetup({ invited: ["a", "b"] }), { invited: ["a", "b"] });
    assert.deepEqual(rankedSetup({ invited: ["a"], bot: { name: "Bot", rating: 1200 } }), { invited: ["a"], bot: { name: "Bot", rating: 1200 } });
    for (const raw of [{}, { invited: [] }, { invited: [1] }, { invited: ["a"], bot: { name: "x" } }, { invited: Array(9).fill("a") }]) assert.throws(() => rankedSetup(raw as Record<string, unknown>));
  });
});

describe("public errors: what a client may be told", () => {
  it("passes a refusal of ours, with its catalogue code even when only the text crossed processes", () => {
    const ours = new ServerError(400, "DUEL_BAD_OPTIONS: unknown lang");
    assert.deepEqual(publicError(ours), { error: ours, internal: false });
    const crossed = publicError(new Error("DUEL_NOT_INVITED: this ranked duel is for the learners the queue paired"));
    assert.equal(crossed.error.code, 403);
    assert.equal(crossed.internal, false);
  });
  it("passes Colyseus's fixed refusals, and hides everything else behind INTERNAL", () => {
    assert.equal(publicError(new ServerError(4212, 'room "x" not found')).internal, false);
    assert.deepEqual([publicError(new Error("early_leave")).internal, publicError(new Error("early_leave")).error.code], [false, 1001], "the client left while joining");
    for (const err of [new TypeError("Cannot read properties of null (reading 'x')"), new ServerError(4213, "options.hasOwnProperty is not a function"), new Error("ECONNREFUSED: 127.0.0.1"), "boom", undefined]) {
      const { error, internal } = publicError(err);
      assert.equal(internal, true);
      assert.equal(error.code, 500);
      assert.match(error.message, /^INTERNAL: /);
    }
  });
});
