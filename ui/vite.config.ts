import { defineConfig } from "vite";

// The UI is served by `streamwerk serve` and embedded by the Tauri app: relative asset paths,
// no inline scripts (the CSP forbids them).
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0 },
});
