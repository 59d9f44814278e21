import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The UI is served by `streamwerk serve` and embedded by the Tauri app: relative asset paths,
// no inline scripts (the CSP forbids them).
export default defineConfig({
  // Svelte components compile to plain JS and one CSS file: nothing the CSP has to allow.
  plugins: [svelte()],
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0 },
});
