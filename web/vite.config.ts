import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

/**
 * The browser game: web/src → web/dist, served by the Express app at "/". Asset names carry
 * a content hash, so the server can cache them for good (index.html is never cached).
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: { outDir: "dist", emptyOutDir: true, target: "es2020", sourcemap: false, chunkSizeWarningLimit: 400 },
});
