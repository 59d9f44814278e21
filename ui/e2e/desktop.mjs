// Desktop end to end: the Tauri app under Xvfb, driven through tauri-driver and WebKitWebDriver
// with webdriverio. Called by tests/tests/desktop.rs inside xvfb-run.
// Usage: node e2e/desktop.mjs APP_BINARY SHOT_DIR. Prints one JSON line for the Rust side.
import { spawn, spawnSync } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { homedir } from "node:os";
import { remote } from "webdriverio";

const [application, shots] = process.argv.slice(2);
const driverPath = process.env.TAURI_DRIVER ?? join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin", "tauri-driver");
const port = 4444 + Math.floor(Math.random() * 1000);
const driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1000)], { stdio: ["ignore", "inherit", "inherit"] });
const stop = () => driver.kill();
const fail = (message) => {
  console.error(message);
  stop();
  process.exit(1);
};

for (let i = 0; ; i++) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/status`);
    if (r.ok) break;
  } catch {}
  if (i > 100) fail("tauri-driver did not start");
  await new Promise((r) => setTimeout(r, 100));
}

const browser = await remote({
  hostname: "127.0.0.1",
  port,
  logLevel: "error",
  capabilities: { "tauri:options": { application } },
});
/// The app's preview socket: where it listens, and what it answers without, with a wrong and
/// with its token (HTTP status of the WebSocket upgrade).
async function previewSocket() {
  const address = new URL(await browser.execute(() => window.__TAURI_INTERNALS__.invoke("preview_url")));
  const token = address.searchParams.get("token");
  const status = (path) => new Promise((resolve, reject) => {
    const req = request({ host: address.hostname, port: address.port, path, headers: {
      Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" } });
    req.on("upgrade", (_, socket) => { socket.destroy(); resolve(101); });
    req.on("response", (res) => { res.resume(); resolve(res.statusCode); });
    req.on("error", reject);
    req.end();
  });
  return {
    host: address.hostname,
    tokenLength: token.length,
    withoutToken: await status("/preview"),
    wrongToken: await status(`/preview?token=${"0".repeat(token.length)}`),
    withToken: await status(`/preview?token=${token}`),
  };
}

const until = async (what, check, timeout = 20000, ...args) => {
  const end = Date.now() + timeout;
  while (!(await browser.execute(check, ...args))) {
    if (Date.now() > end) fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/// Average colour of the preview in a 4x3 grid: enough to tell two scenes apart.
const fingerprint = () => browser.execute(() => {
  const source = document.getElementById("preview");
  const copy = Object.assign(document.createElement("canvas"), { width: 4, height: 3 });
  const ctx = copy.getContext("2d");
  ctx.drawImage(source, 0, 0, 4, 3);
  return Array.from(ctx.getImageData(0, 0, 4, 3).data);
});

try {
  await until("the studio state", () => Boolean(window.streamwerk?.state));
  await until("preview frames", () => window.streamwerk.preview.frames > 10);
  const demo = await fingerprint();
  const lit = demo.filter((v, i) => i % 4 !== 3 && v > 40).length;
  if (lit < 6) fail(`the preview looks blank: ${demo}`);
  await browser.saveScreenshot(join(shots, "desktop-demo.png"));

  const before = await browser.execute(() => window.streamwerk.preview.frames);
  // The scene list is drawn anew with each state: a button found just before a redraw is
  // gone when clicked, so the click is retried on a fresh lookup, as a user clicks again.
  await browser.waitUntil(async () => {
    try {
      await (await browser.$("button[aria-label='Cut to Be right back']")).click();
      return true;
    } catch {
      return false;
    }
  }, { timeout: 10000, timeoutMsg: "the Cut button could not be clicked" });
  await until("the scene switch", () => window.streamwerk.state.program_scene === "Be right back");
  await until("new frames", (n) => window.streamwerk.preview.frames > n + 10, 20000, before);
  await new Promise((r) => setTimeout(r, 300));
  const brb = await fingerprint();
  const difference = demo.reduce((sum, v, i) => sum + Math.abs(v - brb[i]), 0) / demo.length;
  await browser.saveScreenshot(join(shots, "desktop-brb.png"));
  const fps = await browser.execute(() => window.streamwerk.preview.fps);
  const preview = await previewSocket();
  const scene = await browser.execute(() => window.streamwerk.state.program_scene);
  // A system-wide hotkey: Ctrl+1 pressed through the X server (XTEST), not to the page,
  // reaches the app's global shortcut and puts scene 1 on air.
  const pressed = spawnSync("xdotool", ["key", "ctrl+1"], { encoding: "utf8" });
  if (pressed.status !== 0) fail(`xdotool: ${pressed.stderr}`);
  await until("the global hotkey", () => window.streamwerk.state.program_scene === "Live", 10000);
  const afterHotkey = await browser.execute(() => window.streamwerk.state.program_scene);
  console.log(JSON.stringify({ difference, fps, preview, scene, afterHotkey }));
} finally {
  await browser.deleteSession().catch(() => {});
  stop();
}
