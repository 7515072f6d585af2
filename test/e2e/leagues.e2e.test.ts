import { strict as assert } from "node:assert";
import type { Browser, Page } from "playwright-core";
import { LinguaLeapClient, type DuelResult, type LeaguePage } from "../../client-sdk";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";
import { timeLeft } from "../../web/src/screens/leagues/league-view";
import { webT } from "../helpers/web-i18n";
import { checkAccessibility, DESKTOP, ensureWebBuilt, launch, newPlayer, PHONE, playAsGuest, shot } from "./browser";

type Player = Awaited<ReturnType<typeof newPlayer>>;

/** "2 d 5 h left", "3 h 12 min left", "5 min left", "< 1 min left". */
const TIME_LEFT = /^Week \d+ · (\d+ (d|h|min)( \d+ (h|min))?|< 1 min) left$/;

describe("weekly leagues in Chromium", function () {
  this.timeout(180_000);
  let t: TestServer;
  let browser: Browser;
  let base: string;
  const players: Player[] = [];

  before(async () => {
    ensureWebBuilt();
    t = await startServer({
      DUEL_CHOICE_ROUND_MS: "8000", DUEL_TYPED_ROUND_MS: "3000", DUEL_COUNTDOWN_MS: "300", DUEL_REVEAL_MS: "500",
      LEAGUE_SETTLE_DELAY_MS: "0", LEAGUE_CHECK_MS: "1000",
    });
    base = t.http;
    browser = await launch();
  });
  after(async () => {
    await Promise.all(players.map((p) => p.context.close().catch(() => undefined)));
    await browser?.close();
    await t?.close();
  });

  /** A guest who plays a whole typed practice through the SDK, `right` rounds of 3 answered right. */
  async function practise(ll: LinguaLeapClient, right: number): Promise<DuelResult> {
    const solo = await ll.practice({ lang: "es", mode: "typed" });
    const result = withTimeout(new Promise<DuelResult>((r) => solo.on("result", r)), 20_000, "practice result");
    const answered = new Set<number>();
    const answer = (round: number, prompt: string) => {
      if (answered.has(round)) return;
      answered.add(round);
      void solo.answer(round <= right ? answersFor(t.decks.get("es")!, prompt)[0] : "zzz").catch(() => undefined);
    };
    solo.on("round", (r) => answer(r.round, r.prompt));
    // The first round may have started before the listener was set.
    if (solo.view?.phase === "round") answer(solo.view.round, solo.view.prompt);
    const done = await result;
    await solo.leave();
    return done;
  }

  /** The learner's league once `check` holds for it (results reach the store a moment after the duel). */
  async function leagueWhen(ll: LinguaLeapClient, check: (p: LeaguePage) => boolean, what: string): Promise<LeaguePage> {
    let page: LeaguePage | undefined;
    await waitUntil(async () => check((page = await ll.league())), what, 30_000, 200);
    return page!;
  }

  async function guest(name: string, right: number): Promise<LinguaLeapClient> {
    const ll = new LinguaLeapClient(base);
    await ll.signInAsGuest(name);
    await practise(ll, right);
    await leagueWhen(ll, (p) => p.joined, `${name} in a league`);
    return ll;
  }

  /** The Leagues tab on `page` checked against the learner's own /api/leagues/me. */
  async function checkTab(page: Page, api: LeaguePage, name: string): Promise<void> {
    const badge = page.getByTestId("tier-badge");
    await badge.getByText(`${api.tierName} league`, { exact: true }).waitFor();
    await badge.getByText(`Tier ${api.tier + 1} of ${api.tiers.length}`, { exact: true }).waitFor();
    // Counted down from the API's endsAt on the server's clock (the page corrects the
    // device's by the answer's `now`; the test moves the server's with t.clock.skewMs).
    const from = Date.now() + t.clock.skewMs;
    const shown = (await page.getByTestId("time-left").locator("[aria-hidden=true]").textContent())!.trim();
    assert.match(shown, TIME_LEFT);
    const week = `Week ${Number(api.week.split("-W")[1])} · `;
    assert.ok([timeLeft(api.endsAt, from - 60_000, webT("en")), timeLeft(api.endsAt, from, webT("en"))].some((l) => shown === week + l.short), `${shown} for ${new Date(api.endsAt).toISOString()}`);
    assert.match((await page.getByTestId("time-left").locator(".sr-only").textContent())!, /(day|hour|minute)s? left$/, "spelled out for a screen reader");
    if (!api.joined) {
      await page.getByText("Earn XP this week to join a league.").waitFor();
      return;
    }
    const table = page.getByRole("table", { name: `${api.tierName} league standings` });
    const mine = table.locator("tr.me");
    await mine.filter({ hasText: `${name} (you)` }).filter({ hasText: `${api.me!.xp} XP` }).waitFor();
    assert.equal(await mine.count(), 1, "one row is the learner's");
    assert.equal(await mine.getAttribute("aria-current"), "true");
    assert.equal((await mine.locator("td").first().textContent())!.trim(), `#${api.me!.rank}`);
    const rows = api.cohort!.standings;
    // Every row in the API's order, and its zone in words, under its zone's heading.
    assert.deepEqual(await table.locator("tbody tr:not(.zone-head) td:nth-child(2)").allTextContents(), rows.map((r) => (r.rank === api.me!.rank ? `${r.name} (you)` : r.name)));
    assert.deepEqual(await table.locator("tbody tr:not(.zone-head) td.zone").allTextContents(), rows.map((r) => ({ up: "▲ Up", stay: "Stay", down: "▼ Down" })[r.zone]));
    const headings = await table.locator("tr.zone-head th").allTextContents();
    const zones = [...new Set(rows.map((r) => r.zone))];
    assert.equal(headings.length, zones.length);
    if (zones.includes("up")) assert.ok(headings.some((h) => h.startsWith(`Promotion zone: the top ${api.cohort!.promote === 1 ? "one moves" : `${api.cohort!.promote} move`} up`)), headings.join(" | "));
    if (zones.includes("down")) assert.ok(headings.some((h) => h.startsWith("Demotion zone: the bottom")), headings.join(" | "));
  }

  /** Screenshots and axe at phone width, then at desktop width, then back. */
  async function bothWidths(page: Page, screen: string, api: LeaguePage, name: string): Promise<void> {
    for (const viewport of [PHONE, DESKTOP]) {
      await page.setViewportSize(viewport);
      await checkTab(page, api, name);
      await shot(page, screen);
      await checkAccessibility(page, `${screen} at ${viewport.width} px`);
    }
    await page.setViewportSize(PHONE);
  }

  it("ranks learners by the week's XP, live, and tells them about the week's end once", async () => {
    const lea = await newPlayer(browser, PHONE);
    players.push(lea);
    const { page } = lea;
    await playAsGuest(page, base, "Lea");
    const leaSdk = new LinguaLeapClient(base, { token: (await page.evaluate(() => localStorage.getItem("lingualeap.token")))! });

    // No XP yet this week: a Bronze learner outside any league.
    await page.getByRole("button", { name: "Leagues" }).click();
    const before = await leaSdk.league();
    assert.equal(before.joined, false);
    await bothWidths(page, "leagues-join", before, "Lea");

    // Four guests earn XP, then Lea earns hers through the game: a choice practice, every round right.
    const [ana, ben] = [await guest("Ana", 2), await guest("Ben", 1), await guest("Cy", 1), await guest("Eve", 1)];
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.getByRole("button", { name: "Practise", exact: true }).click();
    for (let round = 1; round <= 3; round++) {
      await page.locator(".play .meta", { hasText: `Round ${round} of` }).waitFor();
      const prompt = (await page.locator("#prompt").textContent())!.trim();
      await page.getByRole("button", { name: answersFor(t.decks.get("es")!, prompt)[0], exact: true }).click();
      await page.locator(".reveal").waitFor();
    }
    await page.getByRole("heading", { name: "Practice done!" }).waitFor();
    const joined = await leagueWhen(leaSdk, (p) => p.joined, "Lea in a league");
    assert.equal(joined.me!.rank, 1, "three right answers: more XP than anyone");
    await page.getByRole("button", { name: "Leagues" }).click();
    await bothWidths(page, "leagues", joined, "Lea");

    // While the tab is open, a sixth learner's XP shows up by itself.
    await guest("Dan", 1);
    const six = await leagueWhen(leaSdk, (p) => p.cohort!.standings.length === 6, "six in the cohort");
    await page.locator("table.league tr", { hasText: "Dan" }).waitFor({ timeout: 45_000 });
    await checkTab(page, six, "Lea");

    // The week ends (the server's clock moves past it): the top half (three) move up to Silver,
    // and the learner's next visit to the tab shows it as news once (the polling was proved
    // above: coming back to the tab asks at once).
    t.clock.skewMs = six.endsAt - Date.now() + 1000;
    const moved = await leagueWhen(leaSdk, (p) => p.last !== null, "last week's outcome");
    assert.equal(moved.last!.move, "up");
    assert.equal(moved.tierName, "Silver");
    await page.getByRole("button", { name: "Profile" }).click();
    await page.getByRole("button", { name: "Leagues" }).click();
    const news = page.getByRole("status").filter({ hasText: `Last week: ${moved.last!.message}` });
    await news.waitFor();
    await shot(page, "leagues-outcome");
    await checkAccessibility(page, "leagues outcome banner");
    await page.getByRole("button", { name: "Profile" }).click();
    await page.getByRole("button", { name: "Leagues" }).click();
    await page.getByTestId("last-week").filter({ hasText: moved.last!.message }).waitFor();
    assert.equal(await news.count(), 0, "the banner comes once; then a quiet line");
    await page.reload();
    await page.getByRole("button", { name: "Leagues" }).click();
    await page.getByTestId("last-week").filter({ hasText: moved.last!.message }).waitFor();
    assert.equal(await news.count(), 0, "not again after a reload");
    await checkTab(page, moved, "Lea");

    // The new week in Silver: Ana earns most, then Ben, then Lea: one up, one staying, one down.
    await practise(ana, 3);
    await practise(ben, 2);
    await practise(leaSdk, 1);
    const silver = await leagueWhen(leaSdk, (p) => p.cohort?.standings.length === 3, "three in the Silver cohort");
    assert.deepEqual(silver.cohort!.standings.map((r) => [r.name, r.zone]), [["Ana", "up"], ["Ben", "stay"], ["Lea", "down"]]);
    await page.getByRole("button", { name: "Profile" }).click();
    await page.getByRole("button", { name: "Leagues" }).click();
    await page.locator("table.league tr.me td.zone", { hasText: "Down" }).waitFor();
    await bothWidths(page, "leagues-silver", silver, "Lea");
    assert.deepEqual(lea.errors, [], "no script errors");
  });
});
