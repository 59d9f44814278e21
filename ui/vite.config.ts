import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The UI is served by `streamwerk serve` and embedded by the Tauri app: relative asset paths,
// no inline scripts (the CSP forbids them).
export default defineConfig({
  // Svelte components compile to plain JS and one CSS file: nothing the CSP has to allow.
  plugins: [svelte()],
  base: "./",
  // Two pages: the studio, and the page a guest's invite link opens (served by the guest
  // endpoint, which has nothing else of the studio).
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    rollupOptions: { input: { studio: "index.html", guest: "guest.html" } },
  },
});
