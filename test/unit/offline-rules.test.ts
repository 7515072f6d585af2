import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { loadDecks } from "../../content/decks";
import { foldAccents } from "../../rooms/word-duel/judge.rules";
import type { Direction } from "../../rooms/word-duel/messages";
import { LessonCatalog } from "../../server/lessons.service";
import { capDay, checkPractice, judgeOffline, lessonPack, offlineMatchId, offlineResult, xpOf, type OfflineLesson } from "../../server/offline.rules";
import { MIN_ANSWER_MS, rulesFromJson } from "../../rooms/word-duel/offline.rules";
import type { OfflinePractice } from "../../server/http/api.types";

const NOW = Date.parse("2026-12-02T10:00:00Z");
const DAY = 86_400_000;
const limits = { maxAgeMs: 7 * DAY, xpPerDay: 150 };
let catalog: LessonCatalog;

function lessonOf(id: string): OfflineLesson & { title: string; level: string } {
  const detail = catalog.lesson(id)!;
  return { id, lang: detail.lang, title: detail.title, level: detail.level, words: catalog.duelWords(detail.lang, id)!, langs: catalog.judging(detail.lang)! };
}

function practiceOf(lesson: OfflineLesson, answers: OfflinePractice["answers"], extra: Partial<OfflinePractice> = {}): OfflinePractice {
  const spent = answers.reduce((s, a) => s + a.ms, 0);
  return { id: randomUUID(), lessonId: lesson.id, direction: "en-target", startedAt: NOW - 60_000 - spent, finishedAt: NOW - 60_000, answers, ...extra };
}

/** Slips a learner makes on a right answer: accents dropped, a letter (or space) dropped, two swapped, one changed, a space slipped in. */
function slips(answer: string): string[] {
  const out = new Set([answer, foldAccents(answer), answer.toUpperCase()]);
  for (let i = 0; i < answer.length; i++) {
    out.add(answer.slice(0, i) + answer.slice(i + 1));
    if (i + 1 < answer.length) out.add(answer.slice(0, i) + answer[i + 1] + answer[i] + answer.slice(i + 2));
    out.add(answer.slice(0, i) + "e" + answer.slice(i + 1));
    if (i > 0) out.add(answer.slice(0, i) + " " + answer.slice(i));
  }
  return [...out];
}

describe("offline practice rules (server/offline.rules.ts)", () => {
  before(() => {
    catalog = new LessonCatalog(loadDecks());
  });

  it("a pack judges exactly as the server does, with only the real words near its answers (every slip of every answer, both directions, every language)", () => {
    let compared = 0;
    for (const lang of catalog.langCodes()) {
      for (const summary of catalog.lessons(lang)!.slice(0, 1)) {
        const lesson = lessonOf(summary.id);
        const pack = lessonPack(lesson, "v", limits);
        const packLangs = { en: rulesFromJson(pack.judging.en), target: rulesFromJson(pack.judging.target) };
        assert.ok((pack.judging.target.words?.length ?? 0) < (lesson.langs.target.words?.size ?? 0) / 5, `${summary.id}: the pack carries a small part of the lexicon`);
        for (const word of pack.words) {
          for (const direction of ["en-target", "target-en"] as Direction[]) {
            const answers = direction === "en-target" ? word.target : word.en;
            for (const typed of answers.flatMap(slips)) {
              const server = judgeOffline(lesson.words.find((w) => w.en[0] === word.en[0])!, direction, lesson.langs, typed);
              const device = judgeOffline(word as never, direction, packLangs, typed);
              assert.deepEqual(device, server, `${summary.id} ${direction} "${word.en[0]}" ← "${typed}"`);
              compared++;
            }
          }
        }
      }
    }
    assert.ok(compared > 3_000, `${compared} answers compared`);
  });

  it("a pack is the lesson's words, the judge's rules and the XP table, with no other field of the deck", () => {
    const pack = lessonPack(lessonOf("es-food"), "v1", limits);
    assert.deepEqual(Object.keys(pack.judging.target).sort(), ["agreement", "articleSenses", "articles", "lang", "pronouns", "spellings", "words"].filter((k) => k in pack.judging.target).sort());
    assert.ok(!("lessons" in pack.judging.target), "not the deck itself");
    assert.equal(pack.words.length, catalog.lesson("es-food")!.words.length);
    assert.deepEqual(pack.xp, { correct: 5, almost: 2, dailyCap: 150 });
    assert.ok(JSON.stringify(pack).length < 40_000, `${JSON.stringify(pack).length} bytes`);
  });

  it("judges every answer again: the device's verdicts are not sent, the server's count, and the XP is the practice table's", () => {
    const lesson = lessonOf("es-food");
    const [a, b, c, d] = lesson.words;
    const checked = checkPractice(practiceOf(lesson, [
      { prompt: a.en[0], answer: a.target[0], ms: 2000 },
      { prompt: b.en[0], answer: foldAccents(b.target[0]) === b.target[0] ? b.target[0].slice(0, -1) + "x" : foldAccents(b.target[0]), ms: 2000 },
      { prompt: c.en[0], answer: "zzzz", ms: 2000 },
      { prompt: d.en[0], answer: "", ms: 20_000 },
    ]), lesson, NOW, limits);
    assert.ok(checked.ok);
    assert.equal(checked.words[0].verdict, "correct");
    assert.equal(checked.words[2].verdict, "wrong");
    assert.deepEqual(checked.words[3], { prompt: d.en[0], verdict: "none" }, "no answer, no time kept");
    const result = offlineResult(practiceOf(lesson, []), { id: "u1", name: "Ana" }, "es", checked);
    const worth = 5 + (checked.words[1].verdict === "almost" ? 2 : checked.words[1].verdict === "correct" ? 5 : 0);
    assert.equal(xpOf(result), worth);
    assert.equal(result.practice, true);
    assert.equal(result.players.length, 1);
  });

  it("refuses, saying why: an unknown lesson or word, a word twice, times no person makes, too old, in the future", () => {
    const lesson = lessonOf("es-food");
    const [a, b] = lesson.words;
    const ok = [{ prompt: a.en[0], answer: a.target[0], ms: 1500 }];
    const code = (p: OfflinePractice, l: OfflineLesson | null = lesson) => {
      const checked = checkPractice(p, l ?? undefined, NOW, limits);
      return checked.ok ? "ok" : checked.code;
    };
    assert.equal(code(practiceOf(lesson, ok)), "ok");
    assert.equal(code(practiceOf(lesson, ok), null), "OFFLINE_UNKNOWN_LESSON");
    assert.equal(code(practiceOf(lesson, [{ prompt: "a word of no lesson", answer: "x", ms: 1000 }])), "OFFLINE_UNKNOWN_WORD");
    assert.equal(code(practiceOf(lesson, [ok[0], { ...ok[0], ms: 2000 }])), "OFFLINE_REPEATED_WORD");
    assert.equal(code(practiceOf(lesson, [{ prompt: b.en[0], answer: b.target[0], ms: MIN_ANSWER_MS - 1 }])), "OFFLINE_IMPLAUSIBLE", "typed faster than anyone reads");
    assert.equal(code(practiceOf(lesson, [{ prompt: b.en[0], answer: "", ms: 0 }])), "ok", "no answer may take no time");
    assert.equal(code(practiceOf(lesson, ok, { startedAt: NOW - 60_200 })), "OFFLINE_IMPLAUSIBLE", "answers longer than the practice");
    assert.equal(code(practiceOf(lesson, ok, { startedAt: NOW, finishedAt: NOW - 1000 })), "OFFLINE_IMPLAUSIBLE", "ends before it starts");
    assert.equal(code(practiceOf(lesson, ok, { startedAt: NOW - 4 * 3_600_000 })), "OFFLINE_IMPLAUSIBLE", "four hours for one lesson");
    assert.equal(code(practiceOf(lesson, lesson.words.map((w) => ({ prompt: w.en[0], answer: "", ms: 0 })).concat([{ prompt: a.en[0], answer: "", ms: 0 }]))), "OFFLINE_IMPLAUSIBLE", "more answers than words");
    assert.equal(code(practiceOf(lesson, ok, { startedAt: NOW - 8 * DAY - 5000, finishedAt: NOW - 8 * DAY })), "OFFLINE_TOO_OLD");
    assert.equal(code(practiceOf(lesson, ok, { startedAt: NOW + 9 * 60_000, finishedAt: NOW + 10 * 60_000 })), "OFFLINE_IN_FUTURE");
    assert.equal(code(practiceOf(lesson, ok, { startedAt: NOW + 60_000, finishedAt: NOW + 2 * 60_000 })), "ok", "a device clock a little ahead");
  });

  it("caps a result's XP, keeps one learner's ids apart from another's, and counts the cap by UTC day", () => {
    const lesson = lessonOf("es-food");
    const checked = checkPractice(practiceOf(lesson, lesson.words.slice(0, 4).map((w) => ({ prompt: w.en[0], answer: w.target[0], ms: 1000 }))), lesson, NOW, limits);
    assert.ok(checked.ok);
    const p = practiceOf(lesson, []);
    assert.equal(xpOf(offlineResult(p, { id: "u1", name: "A" }, "es", checked)), 20);
    assert.equal(xpOf(offlineResult(p, { id: "u1", name: "A" }, "es", checked, 7)), 7);
    assert.equal(xpOf(offlineResult(p, { id: "u1", name: "A" }, "es", checked, 0)), 0);
    assert.notEqual(offlineMatchId("u1", p.id), offlineMatchId("u2", p.id));
    assert.equal(offlineMatchId("u1", p.id.toUpperCase()), offlineMatchId("u1", p.id), "one id however it is written");
    assert.equal(capDay(Date.parse("2026-12-01T23:59:59Z")), "2026-12-01");
    assert.equal(capDay(Date.parse("2026-12-02T00:00:00Z")), "2026-12-02");
  });
});
