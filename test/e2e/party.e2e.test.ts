import { strict as assert } from "node:assert";
import type { Browser, Page } from "playwright-core";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { checkAccessibility, DESKTOP, ensureWebBuilt, launch, newPlayer, PHONE, playAsGuest, shot } from "./browser";

/** Waits for round `n` on a player's screen; its prompt. */
async function waitRound(page: Page, n: number): Promise<string> {
  await page.locator(".play .meta", { hasText: `Round ${n} of` }).waitFor();
  await page.locator(".choices").first().waitFor();
  return (await page.locator("#prompt").textContent())!.trim();
}

/** The choices on a player's screen, as their texts. */
async function choices(page: Page): Promise<string[]> {
  return (await page.locator("button.choice").allTextContents()).map((c) => c.replace(/^\d\s*/, "").trim());
}

describe("browser game in Chromium: a party of friends, and a watch link", function () {
  this.timeout(120000);
  let t: TestServer;
  let browser: Browser;
  let base: string;
  const right = (prompt: string) => answersFor(t.decks.get("es")!, prompt);

  before(async () => {
    ensureWebBuilt();
    t = await startServer({ DUEL_CHOICE_ROUND_MS: "8000", DUEL_COUNTDOWN_MS: "300", DUEL_REVEAL_MS: "700", DUEL_FINISHED_LINGER_MS: "5000", RECONNECT_SECONDS: "20" });
    base = t.http;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it("three friends: the creator shares the party link, starts at three, everyone plays and sees their place; a signed-out viewer watches", async () => {
    const host = await newPlayer(browser, PHONE);
    const friends = [await newPlayer(browser, DESKTOP), await newPlayer(browser, PHONE)];
    await playAsGuest(host.page, base, "Ana");
    await host.page.getByRole("button", { name: "Play with friends" }).click();
    await host.page.getByRole("heading", { name: "Party with friends" }).waitFor();
    const code = (await host.page.getByTestId("party-code").textContent())!.trim();
    assert.match(code, /^[A-Z0-9]{6}$/);
    const start = host.page.getByRole("button", { name: "Start", exact: true });
    assert.equal(await start.isDisabled(), true, "Start waits for three players");

    for (const [i, f] of friends.entries()) {
      const name = ["Ben", "Cy"][i];
      await f.page.goto(`${base}/?party=${code}`);
      await f.page.getByLabel("Your name").fill(name);
      await f.page.getByRole("button", { name: "Play now" }).click();
      await f.page.getByRole("heading", { name: `Hi ${name}!` }).waitFor();
      assert.equal(await f.page.getByLabel("Friend's code").inputValue(), code, "the link fills the code in");
      await f.page.getByRole("button", { name: "Join", exact: true }).click();
      await f.page.getByRole("heading", { name: "Party with friends" }).waitFor();
      await host.page.getByRole("list", { name: "Players in the party" }).getByText(name).waitFor();
    }
    await friends[0].page.getByRole("status").filter({ hasText: "Waiting for Ana to start" }).waitFor();
    assert.equal(await friends[0].page.getByRole("button", { name: "Start", exact: true }).count(), 0, "only the creator has Start");
    await shot(host.page, "party-lobby");
    await checkAccessibility(host.page, "party lobby");
    await start.waitFor({ state: "visible" });
    await host.page.waitForFunction(() => !(document.querySelector("button.primary.big") as HTMLButtonElement | null)?.disabled);
    await start.click();

    const players = [host, ...friends];
    await waitRound(host.page, 1);
    // The watch link, as "Share watch link" copies it.
    await host.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await host.page.getByRole("button", { name: "Share watch link" }).click();
    await host.page.getByRole("button", { name: "Watch link copied" }).waitFor();
    const link = await host.page.evaluate(() => navigator.clipboard.readText());
    assert.match(link, /\/\?watch=[A-Za-z0-9_-]+$/);
    const viewer = await newPlayer(browser, DESKTOP);
    await viewer.page.goto(link);
    await viewer.page.getByTestId("watching").filter({ hasText: "1 watching" }).waitFor();
    await host.page.getByTestId("watching").filter({ hasText: "1 watching" }).waitFor();
    assert.equal(await viewer.page.locator(".player").count(), 3, "the viewer sees the three players and takes no seat");
    assert.equal(await viewer.page.locator("button.choice").count(), 0, "nothing to answer with");

    for (let round = 1; round <= t.config.DUEL_ROUNDS; round++) {
      const prompt = await waitRound(host.page, round);
      if (round === 1) {
        await shot(host.page, "party-duel");
        await checkAccessibility(host.page, "party duel");
      }
      for (const [i, p] of players.entries()) {
        await waitRound(p.page, round);
        const offered = await choices(p.page);
        // Ana always right, Ben right in round 1 only, Cy never: three different places.
        const pick = i === 0 || (i === 1 && round === 1) ? offered.find((c) => right(prompt).includes(c))! : offered.find((c) => !right(prompt).includes(c))!;
        await p.page.getByRole("button", { name: pick, exact: true }).click();
      }
      await viewer.page.locator(".reveal", { hasText: right(prompt)[0] }).first().waitFor();
      if (round === 1) await shot(viewer.page, "watch");
    }
    await host.page.getByRole("heading", { name: "You won!" }).waitFor();
    await friends[0].page.getByRole("heading", { name: "Ana won" }).waitFor();
    assert.equal((await host.page.getByTestId("place").textContent())!.trim(), "1st of 3");
    assert.equal((await friends[0].page.getByTestId("place").textContent())!.trim(), "2nd of 3");
    assert.equal((await friends[1].page.getByTestId("place").textContent())!.trim(), "3rd of 3");
    assert.equal(await host.page.locator(".standings li").count(), 3);
    await shot(friends[1].page, "party-result");
    await viewer.page.getByRole("heading", { name: "Final standings" }).waitFor();
    assert.match((await viewer.page.locator(".standings li").first().textContent())!, /Ana/);
    for (const p of [...players, viewer]) assert.deepEqual(p.errors, []);
    await Promise.all([...players, viewer].map((p) => p.context.close()));
  });
});
