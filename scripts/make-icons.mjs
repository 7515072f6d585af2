// The installed app's icons (web/public/icons/*.png and web/public/apple-touch-icon.png), drawn
// once from an SVG by Chromium and committed; run again only to change them. The design is the
// page's favicon (web/index.html): a white "L" on the primary blue. A maskable icon is cut to a
// circle or squircle by the launcher, so it fills its square and keeps the letter inside the
// middle 80 % (the safe zone). iOS ignores the manifest's icons and asks for
// /apple-touch-icon.png by convention.
// Usage: node scripts/make-icons.mjs   (CHROMIUM_PATH, default /usr/bin/chromium)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const out = join(dirname(dirname(fileURLToPath(import.meta.url))), "web", "public");
const BLUE = "#1d4ed8";

/** The icon as SVG: rounded on a transparent square ("any"), or full-bleed with a smaller letter ("maskable"). */
function svg(size, maskable) {
  const radius = maskable ? 0 : size * 0.22;
  const font = size * (maskable ? 0.5 : 0.66);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="${radius}" fill="${BLUE}"/>
  <text x="50%" y="50%" dy="0.35em" font-size="${font}" text-anchor="middle" fill="#fff" font-family="DejaVu Sans, Arial, sans-serif" font-weight="700">L</text>
</svg>`;
}

const icons = [
  { file: "icons/icon-192.png", size: 192, maskable: false },
  { file: "icons/icon-512.png", size: 512, maskable: false },
  { file: "icons/icon-maskable-512.png", size: 512, maskable: true },
  { file: "apple-touch-icon.png", size: 180, maskable: true },
];

mkdirSync(join(out, "icons"), { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  for (const { file, size, maskable } of icons) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg(size, maskable)}</body></html>`);
    writeFileSync(join(out, file), await page.locator("svg").screenshot({ omitBackground: true }));
    await page.close();
    console.log(`icons: ${file} (${size}×${size}${maskable ? ", maskable" : ""})`);
  }
} finally {
  await browser.close();
}
