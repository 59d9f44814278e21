// Preview benchmark: how many program frames reach the screen per second, how old they are
// when drawn, and what that costs, in the browser (Debian's Chromium against `streamwerk
// serve`) and in the desktop window (WebKitGTK, driven by tauri-driver). Run under a display
// (xvfb-run) for the desktop half; `make bench` does.
// Usage: node bench/preview.mjs STREAMWERK_BIN STUDIO_BIN DEMO_JSON SECONDS
// (STREAMWERK_BENCH_UI=DIR serves the browser another build of the page, STREAMWERK_BENCH_VIEWPORT=WxH
// sizes it, STREAMWERK_BENCH_BROWSER_ONLY=1 skips the desktop window.)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { remote } from "webdriverio";
import { launchChromium } from "../e2e/chromium.mjs";

const [streamwerk, studio, demo, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 10);
const TICK = 100; // USER_HZ on Linux

/// The demo collection in a fresh folder, its asset paths made absolute.
function demoCopy() {
  const dir = mkdtempSync(join(tmpdir(), "streamwerk-bench-"));
  const logos = resolve(dirname(demo), "../logos");
  writeFileSync(join(dir, "demo.json"), readFileSync(demo, "utf8").replaceAll("../logos/", `${logos}/`).replaceAll("../brand/", `${resolve(dirname(demo), "../brand")}/`));
  return dir;
}

/// CPU seconds (user + system) of a process or thread from its /proc stat file.
function cpu(statPath) {
  try {
    const text = readFileSync(statPath, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}

function threadCpu(pid, name) {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
    if (comm === name) total += cpu(`/proc/${pid}/task/${tid}/stat`);
  }
  return total;
}

/// Ids of the processes whose /proc/PID/`file` passes `test`.
function processes(file, test) {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return test(readFileSync(`/proc/${p}/${file}`, "utf8"));
      } catch {
        return false;
      }
    });
}

/// Processes whose command line contains `marker` (a browser's profile folder).
const processesWith = (marker) => processes("cmdline", (text) => text.includes(marker));
/// Direct children of `pid` (the app's WebKit processes).
const childrenOf = (pid) => processes("stat", (text) => text.slice(text.lastIndexOf(")") + 2).split(" ")[1] === String(pid));

/// Samples for `seconds`: frames drawn, their age, and CPU of each group of processes.
async function measure(pageStats, groups) {
  const cpuNow = () => Object.fromEntries(Object.entries(groups).map(([k, f]) => [k, f()]));
  const start = await pageStats();
  const cpu0 = cpuNow();
  const t0 = performance.now();
  const delays = [];
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    delays.push((await pageStats()).delayMs);
  }
  const end = await pageStats();
  const wall = (performance.now() - t0) / 1000;
  const cpu1 = cpuNow();
  return {
    fps: (end.frames - start.frames) / wall,
    delayMs: delays.reduce((a, b) => a + b, 0) / delays.length,
    delayMaxMs: Math.max(...delays),
    skipped: end.skipped - start.skipped,
    cpu: Object.fromEntries(Object.keys(groups).map((k) => [k, (cpu1[k] - cpu0[k]) / wall])),
  };
}

async function browserRun() {
  const dir = demoCopy();
  // STREAMWERK_BENCH_UI: another build of the page (an earlier commit's), for before/after.
  const ui = process.env.STREAMWERK_BENCH_UI ? ["--ui", process.env.STREAMWERK_BENCH_UI] : [];
  const serve = spawn(streamwerk, ["serve", "--port", "0", "--scene", join(dir, "demo.json"), ...ui], {
    env: { ...process.env, XDG_CONFIG_HOME: join(dir, "config"), STREAMWERK_KEYS_FILE: join(dir, "keys.json") },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolveUrl) => {
    serve.stdout.on("data", (d) => {
      const m = String(d).match(/Streamwerk studio: (\S+)/);
      if (m) resolveUrl(m[1]);
    });
  });
  // STREAMWERK_BENCH_VIEWPORT=WxH: a page size at which two layouts draw the picture alike.
  const [width, height] = (process.env.STREAMWERK_BENCH_VIEWPORT ?? "1600x1000").split("x").map(Number);
  const { context: browser, page, profile } = await launchChromium({ width, height });
  await page.goto(url);
  await page.waitForFunction(() => window.streamwerk?.preview?.frames > 60, null, { timeout: 30000 });
  const chromiumPids = processesWith(profile);
  const result = await measure(() => page.evaluate(() => ({ ...window.streamwerk.preview })), {
    engine: () => cpu(`/proc/${serve.pid}/stat`),
    previewThread: () => threadCpu(serve.pid, "preview"),
    page: () => chromiumPids.reduce((sum, p) => sum + cpu(`/proc/${p}/stat`), 0),
  });
  await browser.close();
  serve.kill("SIGINT");
  return result;
}

async function desktopRun() {
  const dir = demoCopy();
  const port = 4444 + Math.floor(Math.random() * 1000);
  const driverPath = process.env.TAURI_DRIVER ?? join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin", "tauri-driver");
  const driver = spawn(driverPath, ["--port", String(port), "--native-port", String(port + 1000)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, STREAMWERK_COLLECTION: join(dir, "demo.json"), XDG_CONFIG_HOME: join(dir, "config"),
      STREAMWERK_KEYS_FILE: join(dir, "keys.json") },
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) break;
    } catch {}
    if (i > 100) throw new Error("tauri-driver did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await remote({ hostname: "127.0.0.1", port, logLevel: "error", capabilities: { "tauri:options": { application: studio } } });
  try {
    const stats = () => browser.execute(() => (window.streamwerk?.preview ? { ...window.streamwerk.preview } : { frames: 0 }));
    for (let i = 0; (await stats()).frames < 60; i++) {
      if (i > 300) throw new Error("no preview frames in the window");
      await new Promise((r) => setTimeout(r, 100));
    }
    const app = processesWith(studio).find((p) => readFileSync(`/proc/${p}/comm`, "utf8").trim().startsWith("streamwerk"));
    const webkit = childrenOf(app);
    return await measure(stats, {
      engine: () => cpu(`/proc/${app}/stat`),
      previewThread: () => threadCpu(app, "preview"),
      page: () => webkit.reduce((sum, p) => sum + cpu(`/proc/${p}/stat`), 0),
    });
  } finally {
    await browser.deleteSession().catch(() => {});
    driver.kill();
  }
}

const rows = [["browser (Chromium, WebSocket)", await browserRun()]];
if (process.env.STREAMWERK_BENCH_BROWSER_ONLY) console.error("the desktop window is not measured (STREAMWERK_BENCH_BROWSER_ONLY)");
else if (process.env.DISPLAY) rows.push(["desktop (WebKitGTK, WebSocket)", await desktopRun()]);
else console.error("no DISPLAY: the desktop window is not measured (run under xvfb-run)");

console.log(`\n1280x720 at 30 fps, JPEG preview, ${seconds} s per carrier\n`);
console.log("| carrier | drawn fps | age when drawn (mean / worst s) | engine CPU | of it, preview thread | page CPU | skipped |");
console.log("|---|---|---|---|---|---|---|");
for (const [name, r] of rows) {
  console.log(`| ${name} | ${r.fps.toFixed(1)} | ${r.delayMs.toFixed(1)} / ${r.delayMaxMs.toFixed(1)} ms | ${r.cpu.engine.toFixed(3)} | ${r.cpu.previewThread.toFixed(3)} | ${r.cpu.page.toFixed(3)} | ${r.skipped} |`);
}
console.log("\nCPU in cores (CPU seconds per second). Age: from composed in the engine to drawn in the page.");
