// Studio mode's cost: the page (Debian's Chromium, headless) open on a running `streamwerk
// serve` that records and streams to three destinations; the serve process's CPU is read from
// /proc over windows with studio mode off (the program preview shown) and on (the preview
// scene composed and shown too), alternately. Called by tools/bench_studio_mode.py.
// Usage: node bench/studio-mode.mjs STUDIO_URL SERVE_PID SECONDS ROUNDS
import { readFileSync } from "node:fs";
import { launchChromium } from "../e2e/chromium.mjs";

const [url, pid, seconds, rounds] = process.argv.slice(2);
const ticks = 100; // USER_HZ
const cpu = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticks;
};
const { context, page } = await launchChromium();
page.on("pageerror", (e) => { console.error(`page error: ${e.message}`); process.exit(1); });
await page.goto(url);
await page.waitForFunction(() => window.streamwerk?.state);
await page.selectOption("#set-canvas-size", "1920x1080");
await page.click("#canvas-form button");
await page.waitForFunction(() => window.streamwerk.state.collection.canvas.width === 1920, null, { timeout: 30000 })
  .catch(async (e) => { console.error(await page.evaluate(() => document.getElementById("notices").textContent)); throw e; });
await page.click("#go-live");
await page.waitForFunction(() => window.streamwerk.state.live.length === 3, null, { timeout: 15000 });
await page.click("#record");
await page.waitForFunction(() => window.streamwerk.state.recording !== null);
const studio = async (on) => {
  await page.click("#studio-mode");
  await page.waitForFunction((on) => (window.streamwerk.state.preview_scene !== null) === on, on);
  await page.waitForTimeout(2000);
};
// The preview scenes: the still card, then the camera-like clip (scenes 2 and 3).
const modes = [["off", null], ["on, preview: Be right back", "Ctrl+2"], ["on, preview: camera clip", "Ctrl+3"]];
await page.waitForTimeout(3000);
const windows = [];
for (let r = 0; r < Number(rounds); r++) {
  for (const [mode, keys] of modes) {
    if (keys) {
      await studio(true);
      await page.evaluate((k) => window.streamwerk.hotkey(k), keys);
      await page.waitForTimeout(1500);
    }
    const [c0, t0] = [cpu(), performance.now()];
    const frames0 = await page.evaluate(() => window.streamwerk.preview.frames);
    await page.waitForTimeout(Number(seconds) * 1000);
    const [c1, t1] = [cpu(), performance.now()];
    const drawn = await page.evaluate(() => ({ program: window.streamwerk.preview.frames, preview: window.streamwerk.studioPreview?.fps ?? 0 }));
    windows.push({ mode, cpuPercent: (100 * (c1 - c0) * 1000) / (t1 - t0), programFps: ((drawn.program - frames0) * 1000) / (t1 - t0), previewFps: drawn.preview });
    if (keys) await studio(false);
  }
}
const stats = await page.evaluate(() => window.streamwerk.state && { lagged: document.getElementById("status-bar").textContent });
await page.click("#record");
await page.click("#go-live");
await page.waitForTimeout(1000);
console.log(JSON.stringify({ windows, status: stats.lagged }));
await context.close();
