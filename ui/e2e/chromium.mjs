// Debian's Chromium, headless, through playwright-core: never a downloaded browser. One fresh
// profile per launch; returns the context and the profile folder (to find its processes).
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/// Chromium's switches for a guest whose camera and microphone are the files `y4m` and `wav`,
/// with loopback candidates allowed (off unless asked for; the studio is on 127.0.0.1).
export const fakeDevices = (y4m, wav) => ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
  `--use-file-for-fake-video-capture=${y4m}`, `--use-file-for-fake-audio-capture=${wav}`, "--allow-loopback-in-peer-connection"];

export async function launchChromium(viewport = { width: 1600, height: 1000 }, extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), "streamwerk-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", ...extraArgs],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, profile };
}

/// The studio at `url` open in a fresh Chromium, ready once the engine's state arrived: the
/// page, a `fail` that ends the script with a message (a page error does too), the state, and
/// `shot`, a screenshot into `shots` (artifacts for people, not checks: one that times out is
/// reported, not fatal). `extraArgs` go to Chromium (a fake camera for a guest in the same
/// browser).
export async function openStudio(url, shots, extraArgs = []) {
  const fail = (message) => {
    console.error(message);
    process.exit(1);
  };
  const { context: browser, page } = await launchChromium(undefined, extraArgs);
  page.on("pageerror", (e) => fail(`page error: ${e.message}`));
  // What the page writes to its console as errors: the tests expect none.
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => window.streamwerk?.state);
  const state = () => page.evaluate(() => window.streamwerk.state);
  const shot = (name) => page.screenshot({ path: join(shots, name), timeout: 10000 }).catch((e) => console.error(`screenshot ${name}: ${e.message}`));
  return { browser, page, fail, state, shot, consoleErrors, axe: (selector) => axe(page, selector) };
}

/// axe-core (from npm) run on the element `selector` of the page: its serious and critical
/// violations, each as "rule: first offending element". Evaluated through the DevTools
/// protocol, which the page's CSP does not govern.
export async function axe(page, selector) {
  const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(source);
  return page.evaluate(async (selector) => {
    const result = await window.axe.run(document.querySelector(selector), { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.nodes[0]?.html ?? ""}`);
  }, selector);
}
