// A guest whose browser dies: Debian's Chromium with a fake camera joins, is on air, and is
// killed (SIGKILL, no goodbye). Some seconds later a fresh Chromium opens the same link and is
// back on air in the same place. Called by tests/tests/guests.rs, which decodes the recording.
// Usage: node e2e/crash.mjs LINK Y4M WAV
// Prints one JSON line: when (ms after the first join) the browser was killed and when the
// second one was on air.
import { chromium } from "playwright-core";
import { fakeDevices } from "./chromium.mjs";
import { execFileSync } from "node:child_process";

const [link, y4m, wav] = process.argv.slice(2);
const start = Date.now();
const join = async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium", headless: true,
    args: ["--no-sandbox", "--disable-gpu", ...fakeDevices(y4m, wav)],
  });
  const page = await browser.newPage();
  const [base, token] = link.split("#");
  await page.goto(`${base}?name=Ana&autojoin=1#${token}`);
  await page.waitForFunction(() => window.guest?.stage() === "on_air", null, { timeout: 20000 });
  return { browser, page };
};
const first = await join();
await first.page.waitForTimeout(5000);
// Every process of that Chromium (the flag with this file is theirs alone), at once.
execFileSync("pkill", ["-KILL", "-f", `fake-video-capture=${y4m}`]);
const killedAt = Date.now() - start;
await new Promise((r) => setTimeout(r, 9000));
const second = await join();
const backAt = Date.now() - start;
await second.page.waitForTimeout(4000);
await second.page.click("#leave");
await second.page.waitForFunction(() => window.guest.state() === "new", null, { timeout: 5000 });
await second.browser.close();
console.log(JSON.stringify({ killedAt, backAt }));
