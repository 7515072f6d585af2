/**
 * The installable app and offline practice in real Chromium: the manifest as Chromium reads
 * it, the service worker in control, a lesson kept and practised with the network cut (the
 * page reloaded from the worker's cache), "You are offline" on the boards, and the practice
 * synced exactly once when the network is back (its XP on /api/me, once); a new version
 * offered and taken. The page reaches the server through a proxy the test can cut, and the
 * browser is told it is offline too (navigator.onLine, the `online` event).
 */
import { strict as assert } from "node:assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { LinguaLeapClient, type LessonPack, type OfflinePractice, type OfflineReceipt } from "../../client-sdk";
import { TcpProxy } from "../../loadtest/support/TcpProxy";
import { startServer, type TestServer } from "../helpers/server";
import { checkAccessibility, ensureWebBuilt, launch, newPlayer, PHONE, playAsGuest, shot } from "./browser";

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Resolves once a service worker controls the page and is activated. */
async function controlled(page: Page): Promise<string> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && navigator.serviceWorker.controller.state === "activated", undefined, { timeout: 15000 });
  return page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);
}

/**
 * An HTTP proxy that can serve a changed sw.js (a byte appended: a new version to the
 * browser) without rebuilding the game. Conditional headers are dropped for sw.js so the
 * server never answers 304 to the browser's update check.
 */
async function versionProxy(target: number): Promise<{ base: string; setVersion(v: string): void; close(): Promise<void> }> {
  let version = "";
  const server = http.createServer((req, res) => {
    const isSw = (req.url ?? "").split("?")[0] === "/sw.js";
    const headers = { ...req.headers };
    if (isSw) {
      delete headers["if-none-match"];
      delete headers["if-modified-since"];
    }
    const up = http.request({ host: "127.0.0.1", port: target, path: req.url, method: req.method, headers }, (answer) => {
      if (!isSw || !version) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on("data", (c: Buffer) => chunks.push(c));
      answer.on("end", () => {
        const body = Buffer.concat([...chunks, Buffer.from(`\n// ${version}\n`)]);
        const { etag: _etag, "last-modified": _modified, ...rest } = answer.headers;
        res.writeHead(answer.statusCode ?? 502, { ...rest, "content-length": String(body.length) });
        res.end(body);
      });
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setVersion: (v) => (version = v),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe("installable app and offline practice in Chromium", function () {
  this.timeout(60000);
  let t: TestServer;
  let browser: Browser;
  let proxy: TcpProxy;
  let base: string;

  before(async () => {
    ensureWebBuilt();
    t = await startServer();
    proxy = new TcpProxy({ host: "127.0.0.1", port: t.port });
    base = `http://127.0.0.1:${await proxy.start()}`;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await proxy?.stop();
    await t?.close();
  });

  it("serves a web app manifest Chromium reads without errors, its icons, and the service worker never cached", async () => {
    const res = await fetch(`${t.http}/manifest.webmanifest`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/manifest\+json/);
    assert.equal(res.headers.get("cache-control"), "no-cache");
    const manifest = (await res.json()) as { name: string; short_name: string; start_url: string; scope: string; display: string; theme_color: string; background_color: string; icons: { src: string; sizes: string; type: string; purpose: string }[] };
    assert.equal(manifest.short_name, "LinguaLeap");
    assert.match(manifest.name, /LinguaLeap/);
    assert.deepEqual([manifest.start_url, manifest.scope, manifest.display], ["/", "/", "standalone"]);
    assert.deepEqual([manifest.theme_color, manifest.background_color], ["#1e3a8a", "#f4f5fa"]);
    const wanted = [["192x192", "any"], ["512x512", "any"], ["512x512", "maskable"]];
    assert.deepEqual(manifest.icons.map((i) => [i.sizes, i.purpose]), wanted);
    for (const icon of manifest.icons) {
      const png = await fetch(`${t.http}${icon.src}`);
      assert.equal(png.status, 200, icon.src);
      assert.equal(png.headers.get("content-type"), "image/png");
      const [w, h] = icon.sizes.split("x").map(Number);
      assert.deepEqual(pngSize(Buffer.from(await png.arrayBuffer())), { width: w, height: h }, icon.src);
    }
    const sw = await fetch(`${t.http}/sw.js`);
    assert.equal(sw.status, 200);
    assert.match(sw.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(sw.headers.get("cache-control"), "no-cache");
    assert.match(sw.headers.get("content-security-policy") ?? "", /worker-src 'self'/);
    assert.match(sw.headers.get("content-security-policy") ?? "", /manifest-src 'self'/);

    const { context, page, errors } = await newPlayer(browser, PHONE);
    await page.goto(base);
    await controlled(page);
    const cdp = await context.newCDPSession(page);
    const read = (await cdp.send("Page.getAppManifest")) as { url: string; errors: { message: string }[]; data?: string };
    assert.equal(read.url, `${base}/manifest.webmanifest`);
    assert.deepEqual(read.errors, [], "Chromium finds nothing wrong in the manifest");
    assert.equal(JSON.parse(read.data ?? "{}").short_name, "LinguaLeap");
    // Playwright's contexts are incognito, where Chromium never installs; nothing else may stop it.
    const installable = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
    assert.deepEqual(installable.installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito"), [], "Chromium would offer to install it");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("keeps a lesson, practises it offline after a reload from the worker's cache, and syncs it exactly once when back online", async () => {
    const { context, page, errors } = await newPlayer(browser, PHONE);
    await playAsGuest(page, base, "Ola");
    assert.match(await controlled(page), /\/sw\.js$/);
    const lesson = (await new LinguaLeapClient(t.http).lessons("es"))[0];
    const pack: LessonPack = await new LinguaLeapClient(t.http).lessonPack(lesson.id);
    const right = new Map(pack.words.map((w) => [w.en[0], w.target[0]]));

    // Keep it while online.
    await page.getByRole("button", { name: "Offline lessons" }).click();
    await page.getByRole("heading", { name: "Practise offline", level: 1 }).waitFor();
    await page.getByRole("button", { name: `Keep for offline: ${lesson.title}` }).click();
    await page.getByRole("button", { name: `Practise ${lesson.title}` }).waitFor();
    await checkAccessibility(page, "offline lessons");
    await shot(page, "offline-lessons");

    // The network goes; the page comes back from the service worker.
    await proxy.cut();
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId("offline-notice").filter({ hasText: "You are offline." }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Find a duel" }).isDisabled(), true, "duels wait for the network");
    // The languages and lessons come from the worker's cache: nothing failed.
    await page.getByRole("radio", { name: "Spanish Español" }).waitFor();
    assert.equal(await page.getByRole("alert").count(), 0, "no error banner offline");
    await checkAccessibility(page, "home offline");
    await shot(page, "offline-home");
    await page.getByRole("button", { name: "Offline lessons" }).click();
    await page.getByRole("button", { name: `Practise ${lesson.title}` }).click();
    await page.getByRole("button", { name: "Start" }).click();

    // Every word right but the second (wrong) and the third (skipped).
    let expectedXp = 0;
    const total = Math.min(10, pack.words.length);
    for (let n = 1; n <= total; n++) {
      await page.locator(".meta", { hasText: `Word ${n} of ${total}` }).waitFor();
      const prompt = (await page.locator("#prompt").textContent())!.trim();
      if (n === 3) await page.getByRole("button", { name: "I don't know" }).click();
      else {
        await page.getByLabel("Your translation").fill(n === 2 ? "zzzz" : right.get(prompt)!);
        await page.keyboard.press("Enter");
      }
      const verdict = page.getByTestId("offline-verdict");
      await verdict.waitFor();
      const expected = n === 2 ? ["Not quite.", 0] : n === 3 ? ["No answer.", 0] : ["Right!", pack.xp.correct];
      assert.match((await verdict.textContent())!, new RegExp(`^${expected[0]}`), `word ${n} (${prompt})`);
      assert.equal(await page.getByTestId("offline-points").textContent(), `+${expected[1]} XP`);
      expectedXp += expected[1] as number;
      if (n === 1) await shot(page, "offline-verdict");
      await page.getByRole("button", { name: n === total ? "See my results" : "Next word" }).click();
    }
    await page.getByTestId("offline-total").filter({ hasText: `+${expectedXp} XP` }).waitFor();
    await page.getByTestId("offline-status").filter({ hasText: "Saved on this device." }).waitFor();
    await checkAccessibility(page, "offline summary");
    await shot(page, "offline-summary");

    // Rankings say plainly they need the network.
    await page.getByRole("button", { name: "Leaderboards" }).click();
    await page.getByRole("heading", { name: "You are offline." }).waitFor();
    await shot(page, "offline-boards");

    // Back online: the practice goes by itself, once, and the boards come back by themselves.
    const token = await page.evaluate(() => localStorage.getItem("lingualeap.token"));
    const sdk = new LinguaLeapClient(t.http, { token: token! });
    const before = (await sdk.me()).xp;
    const sent = page.waitForResponse((r) => r.url().endsWith("/api/practice/offline") && r.request().method() === "POST");
    await proxy.restore();
    await context.setOffline(false);
    const answer = await sent;
    const receipt = (await answer.json()) as OfflineReceipt;
    const practice = answer.request().postDataJSON() as OfflinePractice;
    assert.equal(answer.status(), 200);
    assert.equal(receipt.status, "recorded");
    assert.equal(receipt.capped, false);
    assert.equal(receipt.xp, expectedXp, "the server's verdicts are the device's");
    assert.equal(practice.answers.length, total);
    await page.getByTestId("sync-news").filter({ hasText: `+${receipt.xp} XP` }).waitFor();
    await page.locator("#boards-title").waitFor();
    await waitForXp(sdk, before + receipt.xp);
    assert.equal((await sdk.me()).xp, before + receipt.xp, "XP rose by exactly the receipt's");

    // The same practice back in the queue (as after an answer lost on the way): a duplicate, nothing changes.
    await page.evaluate(requeueSource(practice));
    const again = page.waitForResponse((r) => r.url().endsWith("/api/practice/offline") && r.request().method() === "POST");
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    const second = (await (await again).json()) as OfflineReceipt;
    assert.equal(second.status, "duplicate");
    await page.getByTestId("sync-news").filter({ hasText: "had already been sent" }).waitFor();
    assert.equal((await sdk.me()).xp, before + receipt.xp, "a second sync changes nothing");
    assert.equal(await page.evaluate(countSource()), 0, "the queue is empty");
    assert.deepEqual(errors, [], "no script errors, nothing blocked by the policy");
    await context.close();
  });

  it("offers a new version when one is waiting, and takes it on Reload", async () => {
    const versions = await versionProxy(t.port);
    const { context, page, errors } = await newPlayer(browser, PHONE);
    try {
      await page.goto(versions.base);
      await controlled(page);
      versions.setVersion("v2");
      await page.evaluate(async () => void (await (await navigator.serviceWorker.getRegistration())!.update()));
      const banner = page.getByTestId("update-banner");
      await banner.filter({ hasText: "A new version of LinguaLeap is ready." }).waitFor();
      await checkAccessibility(page, "update banner");
      const reloaded = page.waitForEvent("load");
      await banner.getByRole("button", { name: "Reload" }).click();
      await reloaded;
      await controlled(page);
      assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.waiting), null, "nothing waits any more");
      assert.equal(await banner.count(), 0);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await versions.close();
    }
  });
});

/** Polls /api/me until its XP reaches `xp` (results land through the outbox), for up to 10 s. */
async function waitForXp(sdk: LinguaLeapClient, xp: number): Promise<void> {
  const until = Date.now() + 10_000;
  while ((await sdk.me()).xp < xp && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}

/** Puts a practice back in the page's queue (IndexedDB "lingualeap-offline", store "queue"), as the game writes it. */
function requeueSource(p: OfflinePractice): string {
  return `new Promise((resolve, reject) => {
    const open = indexedDB.open("lingualeap-offline");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction("queue", "readwrite");
      tx.objectStore("queue").put({ id: ${JSON.stringify(p.id)}, practice: ${JSON.stringify(p)}, lessonTitle: "again", localXp: 0, queuedAt: Date.now(), tries: 0 });
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  })`;
}

/** How many practices the page's queue holds. */
function countSource(): string {
  return `new Promise((resolve, reject) => {
    const open = indexedDB.open("lingualeap-offline");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction("queue").objectStore("queue").count();
      req.onsuccess = () => { db.close(); resolve(req.result); };
      req.onerror = () => reject(req.error);
    };
  })`;
}
