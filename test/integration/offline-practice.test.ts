import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { LinguaLeapClient, type OfflinePractice } from "../../client-sdk";
import { startServer, type TestServer } from "../helpers/server";
import { call, expectError, INTERNAL_TEXT, json } from "../helpers/http";

const put = (body: unknown, token?: string): RequestInit => ({ ...json(body, token), method: "PUT" });

describe("offline practice over HTTP: packs, sending practices back, the daily cap", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer({ OFFLINE_XP_PER_DAY: "40", OFFLINE_PRACTICES_PER_DAY: "4", OFFLINE_SYNCS_PER_MINUTE: "1000" });
  });
  after(async () => {
    await t.close();
  });

  /** A practice of es-food answering its first `right` words right and `wrong` more wrong. */
  async function practice(ll: LinguaLeapClient, right: number, wrong = 0, extra: Partial<OfflinePractice> = {}): Promise<OfflinePractice> {
    const pack = await ll.lessonPack("es-food");
    const words = pack.words.slice(0, right + wrong);
    const finishedAt = Date.now() - 1000;
    const answers = words.map((w, i) => ({ prompt: w.en[0], answer: i < right ? w.target[0] : "qqqq", ms: 1200 }));
    return { id: randomUUID(), lessonId: "es-food", direction: "en-target", startedAt: finishedAt - 1200 * answers.length - 500, finishedAt, answers, ...extra };
  }

  it("serves a lesson's pack to anyone, the same version each time; an unknown lesson is a 404", async () => {
    const first = await call(t, "/api/lessons/es-food/pack");
    assert.equal(first.status, 200);
    assert.equal(first.body.id, "es-food");
    assert.equal(first.body.lang, "es");
    assert.ok(first.body.words.length >= 12);
    assert.ok(Array.isArray(first.body.judging.target.words));
    assert.deepEqual(first.body.xp, { correct: 5, almost: 2, dailyCap: 40 });
    assert.equal((await call(t, "/api/lessons/es-food/pack")).body.version, first.body.version);
    expectError(await call(t, "/api/lessons/es-nothing/pack"), 404, "LESSON_NOT_FOUND");
  });

  it("records a practice once by its id: the XP shows in /api/me, and sending it again (even twice at once) changes nothing", async () => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest("Ofelia");
    const p = await practice(ll, 3, 1);
    const receipt = await ll.sendOfflinePractice(p);
    assert.deepEqual(receipt, { id: p.id, status: "recorded", xp: 15, capped: false, verdicts: ["correct", "correct", "correct", "wrong"] });
    assert.equal((await ll.me()).xp, 15);
    const again = await Promise.all([ll.sendOfflinePractice(p), ll.sendOfflinePractice({ ...p, id: p.id.toUpperCase() })]);
    assert.deepEqual(again.map((r) => [r.status, r.xp]), [["duplicate", 15], ["duplicate", 15]]);
    const me = await ll.me();
    assert.equal(me.xp, 15, "once");
    assert.equal(me.streak, 1, "a day of practice");
    assert.equal(me.duels, 0, "practice is not a duel");
    const twin = await practice(ll, 1);
    const both = await Promise.all([ll.sendOfflinePractice(twin), ll.sendOfflinePractice(twin)]);
    assert.deepEqual(both.map((r) => r.status).sort(), ["duplicate", "recorded"], "a first send twice at once: recorded by one");
    assert.equal((await ll.me()).xp, 15 + 5);
  });

  it("caps a day's offline XP: a practice past the cap earns what is left, then 0, and the day takes only so many practices", async () => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest("Capucine");
    const sent = [];
    for (const right of [6, 6, 2, 1]) sent.push(await ll.sendOfflinePractice(await practice(ll, right)));
    assert.deepEqual(sent.map((r) => [r.xp, r.capped]), [[30, false], [10, true], [0, true], [0, true]]);
    assert.equal((await ll.me()).xp, 40);
    await assert.rejects(ll.sendOfflinePractice(await practice(ll, 1)), (e: any) => e.code === "OFFLINE_TOO_MANY" && e.status === 422);
    const yesterday = await practice(ll, 2, 0, { finishedAt: Date.now() - 86_400_000, startedAt: Date.now() - 86_400_000 - 5000 });
    assert.equal((await ll.sendOfflinePractice(yesterday)).xp, 10, "yesterday has its own cap");
  });

  it("refuses with a reason: a word not in the lesson, a time no person makes, a practice from the future; a malformed one is a 400 naming the field", async () => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest("Rafa");
    const p = await practice(ll, 2);
    const send = (body: unknown, token = ll.token) => call(t, "/api/practice/offline", json(body, token));
    expectError(await send({ ...p, answers: [{ prompt: "spaceship", answer: "nave", ms: 1000 }] }), 422, "OFFLINE_UNKNOWN_WORD");
    expectError(await send({ ...p, answers: p.answers.map((a) => ({ ...a, ms: 10 })) }), 422, "OFFLINE_IMPLAUSIBLE");
    expectError(await send({ ...p, startedAt: Date.now() + 3_600_000, finishedAt: Date.now() + 3_600_000 + 5000 }), 422, "OFFLINE_IN_FUTURE");
    expectError(await send({ ...p, lessonId: "es-gone" }), 422, "OFFLINE_UNKNOWN_LESSON");
    const bad = await send({ ...p, id: "not-a-uuid" });
    expectError(bad, 400, "BAD_REQUEST");
    assert.match(bad.body.error.message, /^id: /);
    expectError(await send({ ...p, answers: Array.from({ length: 61 }, () => p.answers[0]) }), 400, "BAD_REQUEST");
    expectError(await send(p, ""), 401, "AUTH_MISSING_TOKEN");
    for (const hostile of [null, [], "x", { ...p, answers: "x" }, { ...p, startedAt: "1" }, { ...p, answers: [{ prompt: "__proto__", answer: "x", ms: 1000 }] }]) {
      const res = await call(t, "/api/practice/offline", { ...json({}, ll.token), body: JSON.stringify(hostile) });
      assert.ok([400, 422].includes(res.status), `${JSON.stringify(hostile).slice(0, 40)} → ${res.status}`);
      assert.doesNotMatch(JSON.stringify(res.body), INTERNAL_TEXT);
    }
    assert.equal((await ll.me()).xp, 0, "nothing refused counted");
  });

  it("keeps the interface language for the account: chosen at sign-up, changed later, one of six", async () => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest("Lou", { uiLang: "fr" });
    assert.equal((await ll.me()).user.uiLang, "fr");
    await ll.setInterfaceLanguage("de");
    assert.equal((await ll.me()).user.uiLang, "de");
    expectError(await call(t, "/api/me/ui-language", put({ uiLang: "xx" }, ll.token)), 400, "ME_BAD_UI_LANGUAGE");
    expectError(await call(t, "/api/me/ui-language", put({ uiLang: "de" })), 401, "AUTH_MISSING_TOKEN");
    expectError(await call(t, "/api/auth/guest", json({ name: "Zed", uiLang: "klingon" })), 400, "BAD_REQUEST");
    const plain = new LinguaLeapClient(t.http);
    await plain.signInAsGuest("Noa");
    assert.equal((await plain.me()).user.uiLang, undefined, "none chosen: the browser's language rules");
  });
});
