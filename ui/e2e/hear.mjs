// A guest who listens: Debian's Chromium with a fake camera and microphone (files), the real
// guest page joined at once, and what the page plays back from the studio (the mix-minus)
// measured with WebAudio: the level at each asked frequency; and the show's picture the page
// shows (size, frames, colours of a 4 x 4 grid). Called by tests/tests/guests.rs,
// one process per guest (fake devices are per browser). Usage:
// node e2e/hear.mjs LINK NAME Y4M WAV SECONDS HZ...
// Prints one JSON line: { levels: { HZ: dB }, show, path, consoleErrors }.
import { chromium } from "playwright-core";
import { fakeDevices } from "./chromium.mjs";

const [link, name, y4m, wav, secondsArg, ...freqs] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", ...fakeDevices(y4m, wav), "--autoplay-policy=no-user-gesture-required",
    ...(process.env.GUEST_CHROMIUM_ARGS ?? "").split(" ").filter(Boolean)],
});
const started = Date.now();
const page = await browser.newPage();
const consoleErrors = [];
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
const [base, token] = link.split("#");
await page.goto(`${base}?name=${encodeURIComponent(name)}&autojoin=1${process.env.GUEST_QUERY ?? ""}#${token}`);
await page.waitForFunction(() => window.guest?.stage() === "on_air", null, { timeout: 20000 });
// Let every guest join and the browsers' gain control settle, then listen for 2 s.
await page.waitForTimeout(4000);
const levels = await page.evaluate(async (freqs) => {
  const context = new AudioContext();
  await context.resume();
  const analyser = Object.assign(context.createAnalyser(), { fftSize: 32768, smoothingTimeConstant: 0 });
  context.createMediaStreamSource(document.getElementById("show").srcObject).connect(analyser);
  const bins = new Float32Array(analyser.frequencyBinCount);
  const power = new Float64Array(bins.length);
  let reads = 0;
  for (let t = 0; t < 20; t++) {
    await new Promise((r) => setTimeout(r, 100));
    analyser.getFloatFrequencyData(bins);
    bins.forEach((db, i) => { power[i] += 10 ** (db / 10); });
    reads++;
  }
  const hz = context.sampleRate / analyser.fftSize;
  // The strongest bin within 5 Hz of each frequency, in dB.
  return Object.fromEntries(freqs.map((f) => {
    let best = 0;
    for (let i = Math.floor((f - 5) / hz); i <= Math.ceil((f + 5) / hz); i++) best = Math.max(best, power[i] / reads);
    return [f, Math.round(10 * Math.log10(best || 1e-20))];
  }));
}, freqs.map(Number));
const path = await page.evaluate(() => window.guest.path());
const show = await page.evaluate(() => window.guest.show(4));
await page.waitForTimeout(Math.max(0, Number(secondsArg) * 1000 - (Date.now() - started)));
await page.click("#leave");
await page.waitForFunction(() => window.guest.state() === "new", null, { timeout: 5000 });
console.log(JSON.stringify({ levels, show, path, consoleErrors }));
await browser.close();
