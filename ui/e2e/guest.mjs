// A guest in Debian's Chromium: fake camera and microphone from files (a known picture and
// tone), the real guest page opened from the invite link, joined at once (the show admits
// guests as they come). Also checks the
// endpoint's refusals from outside the page. Called by tests/tests/guests.rs. Usage:
// node e2e/guest.mjs LINK Y4M WAV CODEC SECONDS (in for SECONDS, away for 2, back for 3)
// Prints one JSON line with what the Rust side verifies.
import { chromium } from "playwright-core";
import { fakeDevices } from "./chromium.mjs";

const [link, y4m, wav, codec, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", ...fakeDevices(y4m, wav)],
});
const page = await browser.newPage();
const consoleErrors = [];
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
const [base, token] = link.split("#");
await page.goto(`${base}?name=Ana&autojoin=1&codec=${codec}#${token}`);
await page.waitForFunction(() => window.guest?.stage() === "on_air", null, { timeout: 20000 });
const joinedAt = Date.now();
const status = await page.textContent("#status");
// The show records: the page says so.
const recordingShown = await page.isVisible("#recording");
await page.waitForTimeout(1000);
const codecSent = await page.evaluate(() => window.guest.codec());

// The endpoint from outside the page: a wrong token, something that is not SDP, too much.
const whip = new URL(base.replace("/guest/", "/whip/"));
const post = (body, bearer) => fetch(whip, { method: "POST", headers: { "Content-Type": "application/sdp", Authorization: `Bearer ${bearer}` }, body }).then((r) => r.status);
const refusals = {
  wrongToken: await post("v=0\r\n", "0".repeat(32)),
  notSdp: await post("hello", token),
  oversized: await post("v=0\r\n" + "a=x\r\n".repeat(10000), token),
};
await page.waitForTimeout(Math.max(0, seconds * 1000 - (Date.now() - joinedAt)));
await page.click("#leave");
await page.waitForFunction(() => window.guest.state() === "new", null, { timeout: 5000 });
const left = await page.textContent("#status");
// Away for a moment, then back with the same link, then gone for good.
await page.waitForTimeout(2000);
await page.click("#join");
await page.waitForFunction(() => window.guest.stage() === "on_air", null, { timeout: 20000 });
const rejoined = await page.textContent("#status");
await page.waitForTimeout(3000);
await page.click("#leave");
await page.waitForFunction(() => window.guest.state() === "new", null, { timeout: 5000 });
console.log(JSON.stringify({ status, recordingShown, codecSent, refusals, consoleErrors, left, rejoined }));
await browser.close();
