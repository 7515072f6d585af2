import { strict as assert } from "node:assert";
import type { Browser, Page } from "playwright-core";
import { LinguaLeapClient } from "../../client-sdk";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { TcpProxy } from "../../loadtest/support/TcpProxy";
import { playSdkDuel } from "../integration/duel-helpers";
import { checkAccessibility, DESKTOP, ensureWebBuilt, launch, newPlayer, PHONE, playAsGuest, shot } from "./browser";

/** The round on show: its number and prompt. */
async function roundOf(page: Page): Promise<{ round: number; prompt: string }> {
  const meta = await page.locator(".play .meta").textContent();
  return { round: Number(/Round (\d+)/.exec(meta ?? "")?.[1]), prompt: (await page.locator("#prompt").textContent())!.trim() };
}

/** Waits for round `n` to be on show and answerable. */
async function waitRound(page: Page, n: number): Promise<string> {
  await page.locator(".play .meta", { hasText: `Round ${n} of` }).waitFor();
  await page.locator(".choices, form.typed").first().waitFor();
  return (await roundOf(page)).prompt;
}

describe("browser game in Chromium", function () {
  this.timeout(120000);
  let t: TestServer;
  let browser: Browser;
  let base: string;
  const right = (prompt: string, lang = "es") => answersFor(t.decks.get(lang as "es")!, prompt);

  before(async () => {
    ensureWebBuilt();
    t = await startServer({
      DUEL_CHOICE_ROUND_MS: "8000", DUEL_TYPED_ROUND_MS: "15000", DUEL_COUNTDOWN_MS: "300", DUEL_REVEAL_MS: "700",
      DUEL_FINISHED_LINGER_MS: "5000", RECONNECT_SECONDS: "20", QUEUE_BOT_AFTER_MS: "6000", QUEUE_TICK_MS: "50",
      ADMIN_USER: "ops", ADMIN_PASSWORD: "a long admin password",
    });
    base = t.http;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  /**
   * A challenge between two browsers: the host (a phone) reaches the server through a proxy
   * the test can cut, the friend (a desktop) directly; resolves once the friend has joined.
   */
  async function challengeThroughProxy(hostName: string, friendName: string) {
    const proxy = new TcpProxy({ host: "127.0.0.1", port: t.port });
    const viaProxy = `http://127.0.0.1:${await proxy.start()}`;
    const host = await newPlayer(browser, PHONE);
    const friend = await newPlayer(browser, DESKTOP);
    await playAsGuest(host.page, viaProxy, hostName);
    await playAsGuest(friend.page, base, friendName);
    await host.page.getByRole("button", { name: "Create a challenge" }).click();
    const code = (await host.page.locator(".share .code").textContent())!.trim();
    await friend.page.getByLabel("Friend's code").fill(code);
    await friend.page.getByRole("button", { name: "Join", exact: true }).click();
    return { proxy, host, friend };
  }

  it("serves the built game at / (never cached) and its hashed assets for good", async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("cache-control"), "no-cache");
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, "the page loads the bundle");
    const asset = await fetch(`${base}${script}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get("cache-control") ?? "", /max-age=31536000.*immutable/);
    const bundle = await asset.text();
    assert.match(bundle, /matchmake/, "the SDK is in the bundle");
    assert.doesNotMatch(bundle, /sourceMappingURL/, "no public source maps");
    assert.equal((await fetch(`${base}${script}.map`)).status, 404);
    assert.equal((await fetch(`${base}/assets/nope.js`)).status, 404);
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  });

  it("runs the monitor under its own Content-Security-Policy, with nothing blocked", async () => {
    const ops = await newPlayer(browser, DESKTOP, { httpCredentials: { username: "ops", password: "a long admin password" } });
    const rooms = ops.page.waitForResponse((r) => r.url().includes("/colyseus/api") && r.status() === 200);
    await ops.page.goto(`${base}/colyseus/`);
    await rooms;
    await ops.page.locator("#app *").first().waitFor();
    assert.deepEqual(ops.errors, [], "no script errors, nothing blocked by the policy");
    await ops.context.close();
  });

  it("two learners in two browsers find each other and play a whole ranked duel through the UI", async () => {
    const ana = await newPlayer(browser, PHONE);
    const ben = await newPlayer(browser, DESKTOP);
    await playAsGuest(ana.page, base, "Ana");
    await playAsGuest(ben.page, base, "Ben");
    // A new learner has nothing due for review yet: the home screen says so (from /api/me due).
    await ana.page.getByTestId("due").filter({ hasText: "No words due for review" }).waitFor();
    await ana.page.getByRole("button", { name: "Find a duel" }).click();
    await ana.page.getByRole("heading", { name: "Finding an opponent…" }).waitFor();
    await ben.page.getByRole("button", { name: "Find a duel" }).click();

    for (let round = 1; round <= 3; round++) {
      const prompt = await waitRound(ana.page, round);
      await waitRound(ben.page, round);
      if (round === 1) {
        await ana.page.getByText("Ben", { exact: true }).waitFor();
      }
      const answer = right(prompt)[0];
      await ana.page.getByRole("button", { name: answer, exact: true }).click();
      const wrong = (await ben.page.locator(".choice").allTextContents()).map((c) => c.replace(/^\d\s*/, "").trim()).find((c) => !right(prompt).includes(c))!;
      await ben.page.getByRole("button", { name: wrong, exact: true }).click();
      await ana.page.locator(".reveal").waitFor();
      await ben.page.locator(".reveal", { hasText: answer }).waitFor();
      assert.match((await ana.page.locator(".verdict", { hasText: "You" }).textContent())!, /right/);
    }

    await ana.page.getByRole("heading", { name: "You won!" }).waitFor();
    await ben.page.getByRole("heading", { name: "Ana won" }).waitFor();
    await ana.page.getByText(/Spanish rating/).waitFor();
    assert.match((await ana.page.locator(".facts").textContent())!, /1216 \(\+16\)/);
    assert.match((await ben.page.locator(".facts").textContent())!, /1184 \(-16\)/);
    // Her own row, highlighted, on the rating board.
    await ana.page.getByRole("button", { name: "Leaderboards" }).first().click();
    await ana.page.getByLabel("Board", { exact: true }).selectOption("rating-es");
    await ana.page.locator("table.board tr.me", { hasText: "Ana (you)" }).first().waitFor();
    assert.deepEqual([...ana.errors, ...ben.errors], [], "no script errors");
    await Promise.all([ana.context.close(), ben.context.close()]);
  });

  it("keeps the token across a reload, and brings in a bot when nobody else is queueing", async () => {
    const cy = await newPlayer(browser, PHONE);
    await playAsGuest(cy.page, base, "Cy");
    await cy.page.reload();
    await cy.page.getByRole("heading", { name: /Hi |Ready to play/ }).waitFor();
    await cy.page.getByRole("button", { name: "Find a duel" }).click();
    await waitRound(cy.page, 1);
    await cy.page.locator(".player .tag", { hasText: "bot" }).waitFor();
    cy.page.once("dialog", (d) => void d.accept());
    await cy.page.getByRole("button", { name: "Leave duel" }).click();
    await cy.page.getByRole("button", { name: "Find a duel" }).waitFor();
    assert.equal(await cy.page.getByRole("alert").count(), 0, "leaving by choice is not an error");
    await cy.context.close();
  });

  it("a dropped connection shows a banner, reconnects by itself and the duel goes on", async () => {
    const { proxy, host: dee, friend: eve } = await challengeThroughProxy("Dee", "Eve");
    await waitRound(dee.page, 1);

    await proxy.cut();
    await dee.page.getByText("Connection lost — reconnecting…").waitFor();
    await eve.page.locator(".player .status", { hasText: "reconnecting…" }).waitFor();
    await proxy.restore();
    await dee.page.getByText("Connection lost — reconnecting…").waitFor({ state: "detached" });

    for (let round = 1; round <= 3; round++) {
      const prompt = await waitRound(dee.page, round);
      await dee.page.getByRole("button", { name: right(prompt)[0], exact: true }).click();
      await waitRound(eve.page, round);
      await eve.page.keyboard.press(await wrongKey(eve.page, right(prompt)));
      await dee.page.locator(".reveal").waitFor();
    }
    await dee.page.getByRole("heading", { name: "You won!" }).waitFor();
    await eve.page.getByRole("heading", { name: "Dee won" }).waitFor();
    await Promise.all([dee.context.close(), eve.context.close(), proxy.stop()]);
  });

  it("a learner who drops in the last round and is back after the end sees the result", async () => {
    const { proxy, host: ida, friend: jon } = await challengeThroughProxy("Ida", "Jon");
    for (let round = 1; round <= 3; round++) {
      const prompt = await waitRound(jon.page, round);
      if (round === 3) {
        await waitRound(ida.page, round);
        await proxy.cut();
        await ida.page.getByText("Connection lost — reconnecting…").waitFor();
      } else {
        await waitRound(ida.page, round);
        await ida.page.keyboard.press(await wrongKey(ida.page, right(prompt)));
      }
      await jon.page.getByRole("button", { name: right(prompt)[0], exact: true }).click();
      await jon.page.locator(".reveal").waitFor();
    }
    // The duel is over (Ida was away for the last round); she comes back while it lingers.
    await jon.page.getByRole("heading", { name: "You won!" }).waitFor();
    await proxy.restore();
    await ida.page.getByRole("heading", { name: "Jon won" }).waitFor();
    await ida.page.getByText("The duel finished while you were reconnecting").waitFor();
    await Promise.all([ida.context.close(), jon.context.close(), proxy.stop()]);
  });

  it("practises a typed lesson with the keyboard alone, accents from the on-screen buttons", async () => {
    const fay = await newPlayer(browser, PHONE);
    const { page } = fay;
    await page.goto(base);
    await page.getByLabel("Your name").fill("Fay");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Hi Fay!" }).waitFor();
    // Radio groups take one Tab stop; the arrow keys pick within them.
    await tabTo(page, "Picking");
    await page.keyboard.press("ArrowRight");
    await tabTo(page, "Practise");
    await page.keyboard.press("Enter");
    for (let round = 1; round <= 3; round++) {
      const prompt = await waitRound(page, round);
      // Round 1: type "ñ" with the on-screen accent button (reached with Tab, pressed with
      // Enter; the caret goes back to the field), then clear it: the button works by keyboard.
      if (round === 1) {
        await tabTo(page, "Insert ñ");
        await page.keyboard.press("Enter");
        assert.equal(await page.getByLabel("Your translation").inputValue(), "ñ");
        assert.equal(await page.evaluate(() => document.activeElement?.id), "answer", "the caret is back in the field");
        await page.keyboard.press("Backspace");
      }
      await page.keyboard.type(right(prompt)[0]);
      await page.keyboard.press("Enter");
      await page.locator(".verdict.correct").waitFor();
    }
    await page.getByRole("heading", { name: "Practice done!" }).waitFor();
    await tabTo(page, "Play again");
    await fay.context.close();
  });

  it("shows leaderboards that update live after a duel, with the learner's own row", async () => {
    const gil = await newPlayer(browser, DESKTOP);
    const { page } = gil;
    await playAsGuest(page, base, "Gil");
    await page.getByRole("button", { name: "Leaderboards" }).click();
    await page.getByLabel("Board", { exact: true }).selectOption("it");
    await page.getByText("Nobody here yet — be the first!").first().waitFor();
    // Two learners finish an Italian duel elsewhere: the top rows change without a reload.
    const [x, y] = [new LinguaLeapClient(base), new LinguaLeapClient(base)];
    await Promise.all([x.signInAsGuest("Xia"), y.signInAsGuest("Yul")]);
    await playSdkDuel(t, x, y, "it");
    await page.locator("table.board tr", { hasText: "Xia" }).waitFor();
    await page.locator("table.board tr", { hasText: "Yul" }).waitFor();
    await page.getByText("Play a duel to get on this board.").waitFor();
    await page.getByRole("button", { name: "Profile" }).click();
    await page.getByText("Daily streak").waitFor();
    await gil.context.close();
  });

  it("says plainly what went wrong: a mistyped challenge code, a failed sign-in", async () => {
    const hal = await newPlayer(browser, PHONE);
    const { page } = hal;
    await page.goto(base);
    await page.getByRole("tab", { name: "Sign in" }).click();
    await page.getByLabel("Username").fill("nobody_here");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("That username and password don't match.").waitFor();
    await playAsGuest(page, base, "Hal");
    await page.getByLabel("Friend's code").fill("ZZZZZZ");
    await page.getByRole("button", { name: "Join", exact: true }).click();
    await page.getByRole("alert").getByText(/No open challenge has that code/).waitFor();
    await hal.context.close();
  });

  for (const [width, viewport] of [["phone", PHONE], ["desktop", DESKTOP]] as const) {
    it(`shows every screen at ${width} width with no serious accessibility problem (screenshots kept)`, async () => {
      const proxy = new TcpProxy({ host: "127.0.0.1", port: t.port });
      const viaProxy = `http://127.0.0.1:${await proxy.start()}`;
      const { context, page, errors } = await newPlayer(browser, viewport);
      const screen = async (name: string) => {
        await shot(page, name);
        await checkAccessibility(page, name);
      };
      await page.goto(viaProxy);
      await screen("start");
      await playAsGuest(page, viaProxy, `Tour ${width}`);
      await screen("home");

      await page.getByRole("button", { name: "Find a duel" }).click();
      await page.getByRole("heading", { name: "Finding an opponent…" }).waitFor();
      await screen("waiting");
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: "Create a challenge" }).click();
      await page.locator(".share .code").waitFor();
      await screen("challenge");
      await page.getByRole("button", { name: "Cancel" }).click();

      await page.getByRole("button", { name: "Practise", exact: true }).click();
      await waitRound(page, 1);
      await screen("duel-choice");
      await proxy.cut();
      await page.getByText("Connection lost — reconnecting…").waitFor();
      await screen("reconnecting");
      await proxy.restore();
      await page.getByText("Connection lost — reconnecting…").waitFor({ state: "detached" });
      for (let round = 1; round <= 3; round++) {
        await waitRound(page, round);
        await page.keyboard.press("2");
        await page.locator(".reveal").waitFor();
        if (round === 1) await screen("reveal");
      }
      await page.getByRole("heading", { name: "Practice done!" }).waitFor();
      await page.locator(".facts dd").first().waitFor();
      await screen("result");

      await page.getByRole("button", { name: "Home" }).click();
      await page.getByText("Typing", { exact: true }).click();
      await page.getByRole("button", { name: "Practise", exact: true }).click();
      await waitRound(page, 1);
      await screen("duel-typed");
      await page.getByRole("button", { name: "Leave practice" }).click();

      await page.getByRole("button", { name: "Leaderboards" }).first().click();
      await page.locator("table.board").first().waitFor();
      await screen("leaderboards");
      await page.getByRole("button", { name: "Profile" }).click();
      await page.getByText("Daily streak").waitFor();
      await screen("profile");

      await page.getByRole("button", { name: "Play" }).click();
      await page.getByLabel("Friend's code").fill("ZZZZZZ");
      await page.getByRole("button", { name: "Join", exact: true }).click();
      await page.getByRole("alert").waitFor();
      await screen("error");
      assert.deepEqual(errors, [], "no script errors");
      await Promise.all([context.close(), proxy.stop()]);
    });
  }
});

/** The key (1–4) of a choice on show that is not one of the `right` answers. */
async function wrongKey(page: Page, right: string[]): Promise<string> {
  const choices = (await page.locator(".choice").allTextContents()).map((c) => c.replace(/^\d\s*/, "").trim());
  return String(1 + choices.findIndex((c) => !right.includes(c)));
}

/**
 * Presses Tab until the focused element's label or text starts with `name` (keyboard-only
 * navigation), and checks the focus is visible there (an outline on it or its chip).
 */
async function tabTo(page: Page, name: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return { labels: [] as string[], outline: "none" };
      const byFor = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : "";
      const labels = [el.getAttribute("aria-label"), byFor, el.closest("label")?.textContent, el.textContent].filter((l): l is string => !!l).map((l) => l.trim());
      const shown = el.closest("label") ?? el;
      return { labels, outline: getComputedStyle(shown).outlineStyle };
    });
    if (focus.labels.some((l) => l.startsWith(name))) {
      assert.notEqual(focus.outline, "none", `the focus on "${name}" is visible`);
      return;
    }
  }
  throw new Error(`could not reach "${name}" with the Tab key`);
}
