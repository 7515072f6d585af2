/**
 * The interface in its six languages, in real Chromium at phone width: every screen a learner,
 * a teacher, a party and a viewer reach, shown in each language and screenshot to
 * test-artifacts/screenshots/i18n/<language>-<screen>.png, with axe-core (no serious or
 * critical violation), `<html lang>` saying the language, and no English sentence of the
 * catalogues left on a screen in another language. A screen's state is set up once; the
 * language then changes under it the way another tab's pick does (the `storage` event), or
 * with the picker itself on the Start and Profile screens. Then the choice itself: the
 * browser's language by default, the picker changing the page at once, kept for the account
 * at sign-up and followed by another device at sign-in, a failure to save it kept on the
 * device and sent again.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { LinguaLeapClient } from "../../client-sdk";
import { webT } from "../helpers/web-i18n";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { ensureWebBuilt, launch, PHONE, SCREENSHOTS } from "./browser";

const LANGUAGES = ["en", "es", "fr", "de", "it", "pt"] as const;
type Lng = (typeof LANGUAGES)[number];
const DIR = join(SCREENSHOTS, "i18n");
const LOCALES = join(__dirname, "..", "..", "web", "src", "locales");
const UI_LANG_KEY = "lingualeap.uiLang";
/** axe-core's source (browser.ts's checkAccessibility runs the same rules; here it is loaded once per page, not once per check). */
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const T = Object.fromEntries(LANGUAGES.map((l) => [l, webT(l)])) as Record<Lng, ReturnType<typeof webT>>;

/** Every sentence of a language's catalogues, by "ns:key". */
function sentences(lng: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (ns: string, value: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "string") out.set(`${ns}:${prefix}${k}`, v);
      else walk(ns, v as Record<string, unknown>, `${prefix}${k}.`);
    }
  };
  for (const file of readdirSync(join(LOCALES, lng)).filter((f) => f.endsWith(".json"))) walk(file.slice(0, -5), JSON.parse(readFileSync(join(LOCALES, lng, file), "utf8")), "");
  return out;
}

/**
 * What must not be on a screen in `lng`: the fixed parts of English's sentences (between their
 * {{variables}}, 6 characters or more) whose sentence that language says otherwise, leaving out
 * any that also occur in that language's own sentences ("Top 10", "PIN").
 */
function englishLeftovers(lng: Lng): string[] {
  const en = sentences("en");
  const mine = sentences(lng);
  const own = [...mine.values()].join("\n");
  const out = new Set<string>();
  for (const [key, sentence] of en) {
    const base = key.replace(/_(zero|one|two|few|many|other)$/, "");
    const theirs = mine.get(key) ?? [...mine].find(([k]) => k.startsWith(`${base}_`))?.[1];
    if (theirs === sentence) continue;
    for (const part of sentence.split(/\{\{[^}]*\}\}/).map((p) => p.trim())) {
      if (part.length >= 6 && /\p{L}{3}/u.test(part) && !own.includes(part)) out.add(part);
    }
  }
  return [...out];
}
const LEFTOVERS = Object.fromEntries(LANGUAGES.map((l) => [l, l === "en" ? [] : englishLeftovers(l)])) as Record<Lng, string[]>;

interface Tab {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** A second page of the same browser profile: where "another tab" picks a language. */
  other?: Page;
}

describe("the interface in six languages, in Chromium at phone width", function () {
  this.timeout(180_000);
  let t: TestServer;
  let browser: Browser;
  let base: string;
  const tabs: Tab[] = [];

  before(async () => {
    ensureWebBuilt();
    mkdirSync(DIR, { recursive: true });
    // Long rounds and no bot: a duel, a queue and a watched game hold still while the language changes.
    t = await startServer({ DUEL_CHOICE_ROUND_MS: "60000", DUEL_COUNTDOWN_MS: "200", DUEL_REVEAL_MS: "300", DUEL_FINISHED_LINGER_MS: "5000", QUEUE_BOT_AFTER_MS: "300000", QUEUE_TICK_MS: "50" });
    base = t.http;
    browser = await launch();
  });
  after(async () => {
    await Promise.all(tabs.map((tab) => tab.context.close().catch(() => undefined)));
    await browser?.close();
    await t?.close();
  });

  /** A fresh browser profile at phone width, its browser language `locale`. */
  async function open(locale = "en-US"): Promise<Tab> {
    const context = await browser.newContext({ viewport: PHONE, reducedMotion: "reduce", locale });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.setDefaultTimeout(15_000);
    const tab = { context, page, errors };
    tabs.push(tab);
    return tab;
  }

  /** Another tab of the same profile picks `lng`: the page follows through the `storage` event. */
  async function pickElsewhere(tab: Tab, lng: Lng): Promise<void> {
    if (!tab.other) {
      tab.other = await tab.context.newPage();
      await tab.other.goto(`${base}/api/languages`);
    }
    await tab.other.evaluate(([key, value]) => localStorage.setItem(key, value), [UI_LANG_KEY, lng]);
  }

  /** Waits for the page to be in `lng`: its `lang`, and `marker` (a catalogue key of this screen) drawn in that language. */
  async function inLanguage(page: Page, lng: Lng, marker: string, values: Record<string, unknown> = {}): Promise<void> {
    await page.waitForFunction((l) => document.documentElement.lang === l, lng);
    await page.getByText(T[lng](marker, values), { exact: false }).first().waitFor();
  }

  /** axe-core on the page as it is (WCAG 2.1 A/AA and best practices): no serious or critical violation. */
  async function accessible(page: Page, what: string): Promise<void> {
    if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
    const bad = await page.evaluate(async () => {
      const result = await (window as any).axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
      return result.violations.filter((v: any) => v.impact === "serious" || v.impact === "critical").map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(" ")) }));
    });
    assert.deepEqual(bad, [], `${what}: accessibility violations:\n${JSON.stringify(bad, null, 2)}`);
  }

  /** The screen as it is in `lng`: screenshot, axe, `<html lang>`, no English leftovers. */
  async function check(page: Page, lng: Lng, screen: string): Promise<void> {
    await page.screenshot({ path: join(DIR, `${lng}-${screen}.png`), fullPage: true });
    await accessible(page, `${screen} in ${lng}`);
    assert.equal(await page.evaluate(() => document.documentElement.lang), lng, `${screen}: <html lang>`);
    // Longer words (German, French) still fit the phone: nothing sticks out sideways.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `${screen} in ${lng}: ${wide} px wider than the phone`);
    if (lng === "en") return;
    const shown = await page.evaluate(() => {
      const attributes = Array.from(document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")).flatMap((el) => ["aria-label", "title", "placeholder", "alt"].map((a) => el.getAttribute(a) ?? ""));
      return [document.title, document.body.innerText, ...attributes].join("\n");
    });
    const left = LEFTOVERS[lng].filter((part) => shown.includes(part));
    assert.deepEqual(left, [], `${screen} in ${lng}: English left on the screen`);
  }

  /** The screen in every language, switched by another tab; back to English at the end. */
  async function everyLanguage(tab: Tab, screen: string, marker: string, values: Record<string, unknown> = {}): Promise<void> {
    for (const lng of [...LANGUAGES.slice(1), "en" as const]) {
      await pickElsewhere(tab, lng);
      await inLanguage(tab.page, lng, marker, values);
      await check(tab.page, lng, screen);
    }
  }

  /** Plays as a guest from the Start screen in whatever language it is in. */
  async function guest(page: Page, name: string): Promise<void> {
    await page.goto(base);
    await page.locator("#guest-name").fill(name);
    await page.locator("#panel-guest button[type=submit]").click();
    await page.locator("#choose-title").waitFor();
  }

  it("shows every screen in each language, with nothing English left and no serious accessibility problem", async () => {
    const right = (prompt: string) => answersFor(t.decks.get("es")!, prompt);
    const learner = await open();
    const { page } = learner;
    const tab = (n: number) => page.locator("header nav button").nth(n);

    // A party of friends on one phone and a watched duel on another, toured while the learner goes on.
    const party = (async () => {
      const friend = await open();
      await guest(friend.page, "Party");
      await friend.page.locator("section[aria-labelledby=friend-title] button.secondary").nth(1).click();
      await friend.page.getByTestId("party-code").waitFor();
      await everyLanguage(friend, "party", "party.yourCode");
    })();
    const watch = (async () => {
      const [xia, yul] = [new LinguaLeapClient(base), new LinguaLeapClient(base)];
      await Promise.all([xia.signInAsGuest("Xia"), yul.signInAsGuest("Yul")]);
      const challenge = await xia.createChallenge({ lang: "es", mode: "choice" });
      const opponent = await yul.joinChallenge(challenge.code);
      const viewer = await open();
      await viewer.page.goto(`${base}/?watch=${challenge.duel.roomId}`);
      await viewer.page.locator("#prompt").waitFor();
      await everyLanguage(viewer, "watch", "duel:watch.live");
      await Promise.all([challenge.duel.leave(), opponent.leave()]);
    })();

    // Start: the picker itself, each language at once.
    await page.goto(base);
    for (const lng of [...LANGUAGES.slice(1), "en" as const]) {
      await page.locator("#ui-lang").selectOption(lng);
      await inLanguage(page, lng, "start.title");
      await check(page, lng, "start");
    }

    await guest(page, "Tour");
    await everyLanguage(learner, "home", "home.rankedTitle");

    // The ranked queue (no bot comes), left with Escape.
    await page.locator("section[aria-labelledby=ranked-title] button.primary").click();
    await page.locator("#wait-title").waitFor();
    await everyLanguage(learner, "waiting", "waiting.finding");
    await page.keyboard.press("Escape");
    await page.locator("#choose-title").waitFor();

    // A practice: its first round in every language, then played through, every answer right, to the result.
    await page.locator("section[aria-labelledby=practice-title] button.secondary").click();
    await page.locator(".choices button:not([disabled])").first().waitFor();
    await everyLanguage(learner, "duel", "duel:leavePractice");
    for (let round = 1; round <= 3; round++) {
      await page.locator(".choices button:not([disabled])").first().waitFor();
      const answers = right((await page.locator("#prompt").textContent())!.trim());
      const texts = (await page.locator(".choices button").allTextContents()).map((c) => c.replace(/^\d\s*/, "").trim());
      const meta = await page.locator(".play .meta").textContent();
      await page.keyboard.press(String(1 + texts.findIndex((c) => answers.includes(c))));
      // The reveal is short: on to the next round or the result, whichever the page shows.
      await page.waitForFunction((before) => !!document.querySelector("#result-title") || document.querySelector(".play .meta")?.textContent !== before, meta);
    }
    await page.locator("#result-title").waitFor();
    await page.locator(".facts dd").nth(1).waitFor();
    await everyLanguage(learner, "result", "duel:result.practiceDone");

    // The tabs of the top bar, in order: play, leaderboards, leagues, profile.
    await tab(1).click();
    await page.locator("table.board").first().waitFor();
    await everyLanguage(learner, "boards", "boards.around");
    await tab(2).click();
    await page.getByTestId("my-standing").waitFor();
    await everyLanguage(learner, "leagues", "leagues:cohort");
    await tab(3).click();
    await page.locator("#profile-title").waitFor();
    for (const lng of [...LANGUAGES.slice(1), "en" as const]) {
      await page.locator("#ui-lang").selectOption(lng);
      await inLanguage(page, lng, "profile.streak");
      await check(page, lng, "profile");
    }

    // A class game: the teacher's setup and lobby, a phone's join screen and its lobby.
    await tab(0).click();
    await page.locator("section[aria-labelledby=class-title] button.secondary").click();
    await page.locator(".lesson-list input:checked").first().waitFor();
    await everyLanguage(learner, "class-setup", "class:setup.create");
    await page.locator("#class-rounds").fill("3");
    await page.locator("form.class-setup button[type=submit]").click();
    const pin = (await page.getByTestId("pin").textContent())!.trim();
    const pupil = await open();
    await pupil.page.goto(`${base}/?class=${pin}`);
    await pupil.page.locator("#join-title").waitFor();
    await everyLanguage(pupil, "class-join", "class:join.pinHint");
    await pupil.page.locator("#class-name").fill("Ana");
    await pupil.page.locator("form.class-join button[type=submit]").click();
    await pupil.page.locator(".class-phone").waitFor();
    await page.locator(".roster li", { hasText: "Ana" }).waitFor();
    await Promise.all([everyLanguage(pupil, "class-phone", "class:phone.lookUp"), everyLanguage(learner, "class-host", "class:lobby.start"), party, watch]);

    assert.deepEqual(tabs.flatMap((x) => x.errors), [], "no script errors");
  });

  it("starts in the browser's language, changes at once with the picker, and keeps the choice for the account", async () => {
    // A German browser: the Start screen is German before anything is picked.
    const first = await open("de-DE");
    await first.page.goto(base);
    await inLanguage(first.page, "de", "start.title");
    // The picker: French at once, the same page (no reload), kept on this device.
    await first.page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await first.page.getByLabel(T.de("uiLanguage")).selectOption("fr");
    await inLanguage(first.page, "fr", "start.title");
    assert.ok(await first.page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere), "no reload");
    assert.equal(await first.page.getByLabel(T.fr("uiLanguage")).inputValue(), "fr");
    assert.equal(await first.page.title(), T.fr("title"));

    // Sign-up sends it: the account keeps French.
    const username = `polyglot_${Date.now() % 1_000_000}`;
    await first.page.getByRole("tab", { name: T.fr("start.createAccount") }).click();
    await first.page.locator("#username").fill(username);
    await first.page.locator("#password").fill("a long password");
    await first.page.locator("#panel-register button[type=submit]").click();
    await inLanguage(first.page, "fr", "home.rankedTitle");
    const token = await first.page.evaluate(() => localStorage.getItem("lingualeap.token"));
    assert.ok(token, "signed in");
    assert.equal((await new LinguaLeapClient(base, { token }).me()).user.uiLang, "fr", "the account keeps the interface language");

    // Another device (an English browser) signs in: it follows the account.
    const second = await open("en-US");
    await second.page.goto(base);
    await inLanguage(second.page, "en", "start.title");
    await second.page.locator("#tab-login").click();
    await second.page.locator("#username").fill(username);
    await second.page.locator("#password").fill("a long password");
    await second.page.locator("#panel-login button[type=submit]").click();
    await inLanguage(second.page, "fr", "home.rankedTitle");

    // A pick on the Profile screen is saved for the account; the first device follows at its next start.
    await second.page.locator("header nav button").nth(3).click();
    const saved = second.page.waitForResponse((r) => r.url().endsWith("/api/me/ui-language") && r.request().method() === "PUT");
    await second.page.locator("#ui-lang").selectOption("it");
    assert.equal((await saved).ok(), true, "PUT /api/me/ui-language");
    await inLanguage(second.page, "it", "profile.streak");
    await first.page.reload();
    await inLanguage(first.page, "it", "home.rankedTitle");

    // The server cannot keep it now: the page changes all the same, says nothing, and sends it again at the next start.
    await second.page.route("**/api/me/ui-language", (route) => route.abort());
    await second.page.locator("#ui-lang").selectOption("pt");
    await inLanguage(second.page, "pt", "profile.streak");
    assert.equal(await second.page.getByRole("alert").count(), 0, "no error for a language not saved");
    await second.page.unroute("**/api/me/ui-language");
    const resent = second.page.waitForRequest((r) => r.url().endsWith("/api/me/ui-language") && r.method() === "PUT");
    await second.page.reload();
    assert.deepEqual((await resent).postDataJSON(), { uiLang: "pt" });
    await inLanguage(second.page, "pt", "home.rankedTitle");
    await second.page.waitForFunction(() => localStorage.getItem("lingualeap.uiLang.unsaved") === null);
    assert.equal((await new LinguaLeapClient(base, { token }).me()).user.uiLang, "pt");
    assert.deepEqual([...first.errors, ...second.errors], [], "no script errors");
  });
});
