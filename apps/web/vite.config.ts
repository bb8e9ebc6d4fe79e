import { defineConfig } from "vite";

/**
 * The dashboard builds to apps/web/dist: index.html plus hashed files under
 * assets/, which the API serves at / (see apps/api/src/plugins/dashboardSite.ts).
 * No inline script or style is emitted, so the page runs under a strict CSP.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  // Preact's automatic JSX runtime (no React).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    // Small assets are files too: an inlined data: URL is one more thing the CSP would have to allow.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: { proxy: { "/v1": "http://127.0.0.1:3000" } },
});
