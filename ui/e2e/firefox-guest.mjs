// A guest in Firefox: Debian's Firefox ESR driven over WebDriver BiDi by puppeteer-core (the
// stock browser, no build of its own), with Firefox's fake camera and microphone (a moving
// picture and a 1 kHz tone), opening the real guest page from its invite link, joining at
// once, staying on air, hearing and seeing the show, and leaving. Called by
// tests/tests/guests.rs. Usage: node e2e/firefox-guest.mjs LINK SECONDS
// Prints one JSON line: { version, stage, codec, show, heard, left, consoleErrors }.
import puppeteer from "puppeteer-core";

const [link, seconds] = process.argv.slice(2);
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: "/usr/bin/firefox-esr",
  headless: true,
  protocolTimeout: 30000,
  extraPrefsFirefox: {
    // Firefox's own fake devices, and no permission prompt for them.
    "media.navigator.streams.fake": true,
    "media.navigator.permission.disabled": true,
    // Candidates on 127.0.0.1, where the studio listens in the test, under their address:
    // Firefox names its host candidates by mDNS otherwise, which loopback cannot resolve.
    "media.peerconnection.ice.loopback": true,
    "media.peerconnection.ice.obfuscate_host_addresses": false,
    // Sound plays, and Web Audio runs, without a click.
    "media.autoplay.default": 0,
    "media.autoplay.block-webaudio": false,
  },
});
const page = await browser.newPage();
const consoleErrors = [];
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push(e.message));
const [base, token] = link.split("#");
await page.goto(`${base}?name=Fox&autojoin=1#${token}`);
await page.waitForFunction(() => window.guest?.stage() === "on_air", { timeout: 30000 });
const started = Date.now();
await new Promise((r) => setTimeout(r, 4000));
const codec = await page.evaluate(() => window.guest.codec());
const show = await page.evaluate(() => window.guest.show(4));
// The show's sound as the page plays it: the level of the page's <audio> (any sound at all;
// the studio plays a tone the guest does not send).
const heard = await page.evaluate(async () => {
  const context = new AudioContext();
  await context.resume();
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  context.createMediaStreamSource(document.getElementById("show").srcObject).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let peak = 0;
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 100));
    analyser.getFloatTimeDomainData(samples);
    peak = Math.max(peak, ...samples.map(Math.abs));
  }
  return peak;
});
await new Promise((r) => setTimeout(r, Math.max(0, Number(seconds) * 1000 - (Date.now() - started))));
await page.click("#leave");
await page.waitForFunction(() => window.guest.state() === "new", { timeout: 10000 });
const left = await page.$eval("#status", (e) => e.textContent);
console.log(JSON.stringify({ version: await browser.version(), stage: "on_air", codec, show, heard, left, consoleErrors }));
await browser.close();
