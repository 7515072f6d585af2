/**
 * Real Chromium for the browser game's tests: Debian's chromium (STACK-NOTES), driven with
 * playwright-core. Screenshots go to test-artifacts/screenshots (CI keeps that folder).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { strict as assert } from "node:assert";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const ROOT = resolve(__dirname, "..", "..");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(ROOT, "test-artifacts", "screenshots");

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/** Builds web/dist if it is missing or stale (the same step `npm start` takes). */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, [join(ROOT, "web", "ensure-built.mjs")], { cwd: ROOT, stdio: "pipe" });
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

/**
 * A fresh browser profile (its own localStorage) with the page's errors collected: script
 * errors, and anything the Content-Security-Policy blocked.
 */
export async function newPlayer(browser: Browser, viewport = PHONE, options: { httpCredentials?: { username: string; password: string } } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, reducedMotion: "reduce", ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => void (m.type() === "error" && /Content Security Policy/i.test(m.text()) && errors.push(m.text())));
  page.setDefaultTimeout(15000);
  return { context, page, errors };
}

/** One click on "Play now" as a guest; resolves on the home screen. */
export async function playAsGuest(page: Page, base: string, name: string): Promise<void> {
  await page.goto(base);
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Play now" }).click();
  await page.getByRole("heading", { name: `Hi ${name}!` }).waitFor();
}

/** Saves a screenshot named after the screen and the viewport width. */
export async function shot(page: Page, screen: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(SCREENSHOTS, `${screen}-${width <= 500 ? "phone" : "desktop"}.png`), fullPage: true });
}

/** axe-core's source, run through the debugger protocol: the game's CSP refuses injected script tags. */
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page as it is: no serious or critical violation may be there. */
export async function checkAccessibility(page: Page, screen: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(" ")) }));
  });
  const bad = violations.filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${screen}: accessibility violations:\n${JSON.stringify(bad, null, 2)}`);
}
