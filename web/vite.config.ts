import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import { fileURLToPath } from "node:url";

/**
 * The browser game: web/src → web/dist, served by the Express app at "/". Asset names carry
 * a content hash, so the server can cache them for good (index.html is never cached).
 *
 * It is also an installable app (docs/offline.md): a web app manifest and a Workbox service
 * worker (sw.js, scope "/") that keeps the app shell — the page, the hashed assets, the icons —
 * so the game opens without the network. A new build is a new sw.js: it installs beside the
 * running one and waits until the learner takes it ("A new version is ready — Reload",
 * web/src/pwa/updates.ts), so a page never runs half old, half new code.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  // The one bundle carries every interface language's catalogues (web/src/i18n.ts, some 170 KB
  // of JSON for six languages) and the judge for offline practice: 500 KB before a warning.
  build: { outDir: "dist", emptyOutDir: true, target: "es2020", sourcemap: false, chunkSizeWarningLimit: 500 },
  plugins: [
    VitePWA({
      registerType: "prompt",
      // web/src/pwa/app-updates.ts registers it (virtual:pwa-register), to show the update banner.
      injectRegister: false,
      strategies: "generateSW",
      filename: "sw.js",
      manifestFilename: "manifest.webmanifest",
      scope: "/",
      includeAssets: ["apple-touch-icon.png"],
      manifest: {
        id: "/",
        name: "LinguaLeap — word duels",
        short_name: "LinguaLeap",
        description: "Realtime word duels for language learners, and practice that works offline.",
        lang: "en",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "any",
        // styles.css: --primary-dark (the page's theme-color) and --bg.
        theme_color: "#1e3a8a",
        background_color: "#f4f5fa",
        categories: ["education", "games"],
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        // The manifest and its icons are added by the plugin, the Apple icon by includeAssets.
        globPatterns: ["**/*.{js,css,html}"],
        cleanupOutdatedCaches: true,
        // The first install takes the open page at once (offline works without a reload);
        // an update still waits for the learner (no skipWaiting: registerType "prompt").
        clientsClaim: true,
        // Only the game's page is an app-shell navigation ("/", with its ?watch=, ?challenge=…
        // links); /colyseus, /api, /metrics and the rest go to the network as they are.
        navigateFallback: "index.html",
        navigateFallbackAllowlist: [/^\/(\?.*)?$/],
        runtimeCaching: [
          {
            // What the game reads to show languages and lessons. NetworkFirst: online, a
            // learner sees today's lessons (a deploy may change them); with no answer within
            // 3 s or no network, the last copy. Never /api/me, auth, boards, matchmaking or a
            // POST: the function below matches these GETs only.
            urlPattern: ({ url, request, sameOrigin }) =>
              sameOrigin && request.method === "GET" && /^\/api\/(languages|lessons(\/[^/]+(\/pack)?)?)$/.test(url.pathname),
            handler: "NetworkFirst",
            options: {
              cacheName: "lingualeap-content",
              networkTimeoutSeconds: 3,
              expiration: { maxEntries: 300, maxAgeSeconds: 60 * 60 * 24 * 60 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
  ],
});
