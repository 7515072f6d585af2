import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { checkAccessibility, ensureWebBuilt, launch, newPlayer, PHONE, playAsGuest, shot } from "./browser";

/** The teacher's projector. */
const PROJECTOR = { width: 1920, height: 1080 };

type Player = Awaited<ReturnType<typeof newPlayer>>;

/** The choices on a phone, as their text (without the number mark). */
async function choicesOn(page: Page): Promise<string[]> {
  return page.locator(".phone-choices .tile").evaluateAll((els) => els.map((el) => el.lastChild?.textContent?.trim() ?? ""));
}

/** Waits for round `n` on a phone and returns its prompt. */
async function phoneRound(page: Page, n: number): Promise<string> {
  await page.locator(".phone-round .meta", { hasText: `Round ${n} of` }).waitFor();
  await page.locator(".phone-choices .tile").first().waitFor();
  return (await page.locator("#phone-prompt").textContent())!.trim();
}

/** A phone opens the join link and joins under `name`; resolves on "You're in!" (or the refusal, with `refused`). */
async function joinByLink(page: Page, link: string, name: string, refused?: RegExp): Promise<void> {
  await page.goto(link);
  await page.getByLabel("Nickname").fill(name);
  await page.getByRole("button", { name: "Join", exact: true }).click();
  if (refused) await page.getByRole("alert").filter({ hasText: refused }).waitFor();
  else await page.getByRole("heading", { name: "You're in!" }).waitFor();
}

describe("class game in Chromium: a projector and phones", function () {
  this.timeout(90_000);
  let t: TestServer;
  let browser: Browser;
  let base: string;
  const pages: Player[] = [];

  before(async () => {
    ensureWebBuilt();
    t = await startServer({ DUEL_CHOICE_ROUND_MS: "15000", DUEL_COUNTDOWN_MS: "300", DUEL_REVEAL_MS: "700", CLASS_RECONNECT_SECONDS: "20" });
    base = t.http;
    browser = await launch();
  });
  after(async () => {
    await Promise.all(pages.map((p) => p.context.close().catch(() => undefined)));
    await browser?.close();
    await t?.close();
  });

  it("a teacher hosts a whole game of 3 rounds; three phones join by the link and play it through the UI", async () => {
    const teacher = await newPlayer(browser, PROJECTOR);
    const host = teacher.page;
    pages.push(teacher);
    await playAsGuest(host, base, "Ms Rivera");
    await host.getByRole("button", { name: "Host a class game" }).click();
    await host.getByRole("heading", { name: "Host a class game" }).waitFor();
    await host.locator(".lesson-list input:checked").first().waitFor();
    await shot(host, "class-setup");
    await checkAccessibility(host, "class-setup");
    await host.getByLabel(/^Rounds/).fill("3");
    await host.getByRole("button", { name: "Create the game" }).click();
    const pin = (await host.getByTestId("pin").textContent())!.trim();
    assert.match(pin, /^[1-9][0-9]{5}$/);
    const link = `${base}/?class=${pin}`;
    await host.getByRole("link", { name: link }).waitFor();
    await host.locator("img.qr").waitFor();
    assert.ok(await host.getByRole("button", { name: "Start the game" }).isDisabled(), "no start with nobody there");
    await host.getByText("Start is ready once at least one player has joined.").waitFor();

    // Three phones by the link; the first one's join screen checked as it is.
    const [ana, ben, cy, dee] = await Promise.all([0, 1, 2, 3].map(() => newPlayer(browser, PHONE)));
    pages.push(ana, ben, cy, dee);
    await ana.page.goto(link);
    assert.equal(await ana.page.getByLabel("Game PIN").inputValue(), pin, "the PIN comes from the link");
    await shot(ana.page, "class-join");
    await checkAccessibility(ana.page, "class-join");
    await joinByLink(ana.page, link, "Ana");
    await joinByLink(ben.page, link, "Ben");
    // "ána" is Ana with case and accents folded: refused, said plainly; another name gets in.
    await joinByLink(cy.page, link, "ána", /already has that name/);
    await cy.page.getByLabel("Nickname").fill("Cy");
    await cy.page.getByRole("button", { name: "Join", exact: true }).click();
    await cy.page.getByRole("heading", { name: "You're in!" }).waitFor();
    // A fourth joins and the teacher removes them: their phone says why.
    await joinByLink(dee.page, link, "Dee");
    await host.locator(".roster li", { hasText: "Dee" }).waitFor();
    host.once("dialog", (d) => void d.accept());
    await host.getByRole("button", { name: "Remove Dee" }).click();
    await dee.page.getByText("Your teacher took you out of this game").waitFor();
    await host.locator(".roster li", { hasText: "Dee" }).waitFor({ state: "detached" });

    for (const name of ["Ana", "Ben", "Cy"]) await host.locator(".roster li", { hasText: name }).waitFor();
    await host.locator(".counts", { hasText: "3 players" }).waitFor();
    // A parent watches from the link on the projector: no seat, counted as watching.
    const parent = await newPlayer(browser, PHONE);
    pages.push(parent);
    await parent.page.goto(`${base}/?watchclass=${pin}`);
    await parent.page.getByRole("heading", { name: "Waiting for the teacher to start…" }).waitFor();
    await host.locator(".counts", { hasText: "1 watching" }).waitFor();
    await shot(host, "class-host-lobby");
    await checkAccessibility(host, "class-host-lobby");

    await host.getByRole("button", { name: "Start the game" }).click();
    const deck = t.decks.get("es")!;
    for (let round = 1; round <= 3; round++) {
      const prompt = await phoneRound(ana.page, round);
      await host.locator(".host-meta", { hasText: `Round ${round} of 3` }).waitFor();
      assert.equal((await host.locator("#host-prompt").textContent())!.trim(), prompt);
      assert.equal(await host.locator(".host-choices li").count(), 4);
      assert.equal(await host.locator(".tick, .bars").count(), 0, "the projector shows no answer before the reveal");
      const accepted = answersFor(deck, prompt);
      const choices = await choicesOn(ana.page);
      const right = choices.find((c) => accepted.includes(c))!;
      const wrong = choices.find((c) => !accepted.includes(c))!;
      if (round === 1) {
        await shot(host, "class-host-round");
        await shot(ana.page, "class-round");
        await checkAccessibility(ana.page, "class-round");
      }
      await ana.page.getByRole("button", { name: right, exact: true }).click();
      await ana.page.getByText(/Answer sent/).waitFor();
      await host.getByText("1 of 3 answered").waitFor();
      // Ben's phone reloads in round 2: the same seat and score, and the round goes on.
      if (round === 2) await ben.page.reload();
      await phoneRound(ben.page, round);
      await ben.page.getByRole("button", { name: wrong, exact: true }).click();
      // Cy answers in rounds 1 and 3; in round 2 the teacher closes the round without her.
      if (round !== 2) {
        await phoneRound(cy.page, round);
        await cy.page.getByRole("button", { name: right, exact: true }).click();
      } else {
        await host.getByText("2 of 3 answered").waitFor();
        await host.getByRole("button", { name: "Close the round" }).click();
      }

      await host.locator(".bars li.right", { hasText: right }).waitFor();
      assert.equal((await host.locator("#host-answer").textContent())!.replace("The answer is", "").trim(), right);
      await ana.page.getByRole("heading", { name: "Right!" }).waitFor();
      await ben.page.getByRole("heading", { name: "Not this time" }).waitFor();
      await cy.page.getByRole("heading", { name: round === 2 ? "No answer" : "Right!" }).waitFor();
      assert.match((await ana.page.locator(".phone-reveal").textContent())!, /You're #1 of 3/);
      if (round === 1) {
        assert.match((await host.locator(".bars li.right").textContent())!, /2 picks/);
        await shot(host, "class-host-reveal");
        await checkAccessibility(host, "class-host-reveal");
        await shot(ana.page, "class-reveal");
        // The watcher sees the same reveal, and never how many had answered (the host's count).
        await parent.page.locator(".bars li.right", { hasText: right }).waitFor();
        assert.equal(await parent.page.locator(".answered").count(), 0);
        await shot(parent.page, "class-watch-reveal");
        await checkAccessibility(parent.page, "class-watch-reveal");
        // The teacher reloads the projector's page: the same game comes back, mid-reveal.
        await host.reload();
        await host.locator(".bars li.right", { hasText: right }).waitFor();
      }
      await host.getByRole("button", { name: round < 3 ? "Next word" : "Show the podium" }).click();
    }

    await host.getByRole("heading", { name: "Podium" }).waitFor();
    await host.locator(".step.p1", { hasText: "Ana" }).waitFor();
    await host.locator(".report-players tbody tr").nth(2).waitFor();
    assert.deepEqual(await host.locator(".report-players tbody th").allTextContents(), ["Ana", "Cy", "Ben"]);
    assert.equal(await host.locator(".report-words tbody tr").count(), 3);
    await ana.page.getByRole("heading", { name: "You're on the podium: #1!" }).waitFor();
    assert.match((await ana.page.locator(".class-phone").textContent())!, /\+\d+ XP/);
    await shot(host, "class-host-podium");
    await checkAccessibility(host, "class-host-podium");

    const [download] = await Promise.all([host.waitForEvent("download"), host.getByRole("button", { name: "Download CSV" }).click()]);
    assert.equal(download.suggestedFilename(), `class-${pin}.csv`);
    const csv = readFileSync((await download.path())!, "utf8");
    assert.equal(csv.split("\r\n")[0], "player,score,right,almost,answered,accuracy,xp");
    assert.match(csv, /\r\nAna,\d+,3,0,3,100%,55\r\n/);

    assert.deepEqual(pages.flatMap((p) => p.errors), [], "no script errors, nothing blocked by the policy");
  });

  it("a typed game: a signed-in learner plays as herself, the teacher pauses, resumes and ends it early", async () => {
    const teacher = await newPlayer(browser, PROJECTOR);
    const eva = await newPlayer(browser, PHONE);
    pages.push(teacher, eva);
    const host = teacher.page;
    await playAsGuest(host, base, "Mr Okafor");
    await host.getByRole("button", { name: "Host a class game" }).click();
    await host.locator(".lesson-list input:checked").first().waitFor();
    await host.getByText("Typing", { exact: true }).click();
    await host.getByLabel(/^Seconds per round/).fill("30");
    await host.getByRole("button", { name: "Create the game" }).click();
    const pin = (await host.getByTestId("pin").textContent())!.trim();

    // Eva is signed in already: no nickname asked, she types the PIN herself.
    await playAsGuest(eva.page, base, "Eva");
    await eva.page.getByRole("button", { name: "Join a class game" }).click();
    await eva.page.getByText("You'll play as Eva").waitFor();
    assert.equal(await eva.page.getByLabel("Nickname").count(), 0);
    await eva.page.getByLabel("Game PIN").fill(pin);
    await eva.page.getByRole("button", { name: "Join", exact: true }).click();
    await eva.page.getByRole("heading", { name: "You're in!" }).waitFor();
    await host.locator(".roster li", { hasText: "Eva" }).waitFor();
    await host.getByRole("button", { name: "Start the game" }).click();

    await eva.page.locator(".phone-round .meta", { hasText: "Round 1 of 10" }).waitFor();
    await host.getByRole("button", { name: "Pause" }).click();
    await eva.page.getByText("Paused by your teacher").waitFor();
    await host.getByRole("button", { name: "Resume" }).click();
    await eva.page.getByText("Paused by your teacher").waitFor({ state: "detached" });
    await eva.page.getByRole("button", { name: "Insert ñ" }).click();
    assert.equal(await eva.page.getByLabel("Your translation").inputValue(), "ñ", "the accent buttons type into the field");
    await shot(eva.page, "class-round-typed");
    await checkAccessibility(eva.page, "class-round-typed");
    const prompt = (await eva.page.locator("#phone-prompt").textContent())!.trim();
    await eva.page.getByLabel("Your translation").fill(answersFor(t.decks.get("es")!, prompt)[0]);
    await eva.page.keyboard.press("Enter");
    await eva.page.getByRole("heading", { name: "Right!" }).waitFor();
    await host.locator(".verdict-counts .verdict.correct", { hasText: "1" }).waitFor();
    await shot(host, "class-host-reveal-typed");

    host.once("dialog", (d) => void d.accept());
    await host.getByRole("button", { name: "End game" }).click();
    await host.getByRole("heading", { name: "Podium" }).waitFor();
    await host.locator(".report-words tbody tr").first().waitFor();
    assert.equal(await host.locator(".report-words tbody tr").count(), 1, "only the round played is in the report");
    await eva.page.getByRole("heading", { name: "You're on the podium: #1!" }).waitFor();
    assert.deepEqual([...teacher.errors, ...eva.errors], [], "no script errors");
  });
});
