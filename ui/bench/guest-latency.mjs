// Guest latency: how long a guest's camera picture takes to reach the program, one way, on
// loopback. The guest's "camera" is a canvas that draws the wall clock (milliseconds, as 20
// black and white bars, twice for a check) and is sent by the real guest page; the program's
// preview frames, each stamped with the wall-clock time it was composed, are decoded and the
// bars read where the guest sits. Latency = composed - drawn, both on this machine's clock.
// Usage: node bench/guest-latency.mjs STREAMWERK_BIN WAV SECONDS [CODEC]
// Prints one JSON line: samples, p50, p95, max (ms) and the codec.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [bin, wav, secondsArg, codec = "vp8"] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 10);
const BITS = 20;

// A 640x360 show with the guest filling it: the bars are 32 pixels wide on the program.
const dir = mkdtempSync(join(tmpdir(), "streamwerk-latency-"));
const show = join(dir, "show.json");
writeFileSync(show, JSON.stringify({
  schema_version: 1, name: "Latency", canvas: { width: 640, height: 360, fps: 30 },
  sources: [{ id: "ana", kind: "guest", settings: { slot: "ana", name: "Ana" } }],
  scenes: [{ name: "Guest", layers: [{ source: "ana", transform: { x: 0, y: 0, width: 640, height: 360 } }] }],
}));
const serve = spawn(bin, ["serve", "--port", "0", "--guests", "127.0.0.1:0", "--guest-auto-admit", "--scene", show], {
  env: { ...process.env, XDG_CONFIG_HOME: join(dir, "config"), STREAMWERK_KEYS_FILE: join(dir, "keys.json") },
});
const line = (stream, prefix) => new Promise((resolve) => {
  createInterface({ input: stream }).on("line", (l) => { if (l.includes(prefix)) resolve(l.slice(l.indexOf(prefix) + prefix.length).trim()); });
});
const [studio, link] = await Promise.all([line(serve.stdout, "Streamwerk studio: "), line(serve.stderr, "Invite link for Ana: ")]);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${wav}`, "--allow-loopback-in-peer-connection"],
});
try {
  // The guest: getUserMedia's camera replaced by a canvas that draws the clock every 4 ms.
  const guest = await browser.newPage();
  await guest.addInitScript((bits) => {
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const sound = await real({ audio: true });
      const canvas = Object.assign(document.createElement("canvas"), { width: 640, height: 360 });
      const ctx = canvas.getContext("2d");
      const draw = () => {
        const now = Date.now() % 2 ** bits;
        for (let b = 0; b < bits; b++) {
          ctx.fillStyle = (now >> b) & 1 ? "#fff" : "#000";
          ctx.fillRect(b * 32, 0, 32, 180);
          ctx.fillRect(b * 32, 180, 32, 180);
        }
      };
      setInterval(draw, 4);
      draw();
      const video = canvas.captureStream(30).getVideoTracks()[0];
      return new MediaStream(constraints.video ? [video, ...sound.getAudioTracks()] : sound.getAudioTracks());
    };
  }, BITS);
  const [base, token] = link.split("#");
  await guest.goto(`${base}?name=Ana&autojoin=1&codec=${codec}#${token}`);
  await guest.waitForFunction(() => window.guest?.stage() === "on_air", null, { timeout: 20000 });

  // The program: preview frames over the studio's own socket, read in a page of its origin.
  const host = await browser.newPage();
  const url = new URL(studio);
  await host.goto(`${url.origin}/guest-latency-blank`);
  await host.waitForTimeout(2000);
  const samples = await host.evaluate(async ({ token, seconds, bits }) => {
    const socket = new WebSocket(`ws://${location.host}/preview?token=${token}&side=640`);
    socket.binaryType = "arraybuffer";
    const canvas = new OffscreenCanvas(640, 360);
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    const out = [];
    const read = (y) => {
      let v = 0;
      for (let b = 0; b < bits; b++) {
        const [r] = ctx.getImageData(b * 32 + 16, y, 1, 1).data;
        if (r > 128) v |= 1 << b;
      }
      return v;
    };
    socket.onmessage = async (e) => {
      const head = new DataView(e.data, 0, 24);
      const composedMs = Number(head.getBigUint64(8, true)) / 1000;
      const image = await createImageBitmap(new Blob([e.data.slice(24)], { type: "image/jpeg" }));
      ctx.drawImage(image, 0, 0, 640, 360);
      const [top, bottom] = [read(90), read(270)];
      if (top !== bottom) return; // a frame caught between two clock values
      const drawn = Math.floor(composedMs / 2 ** bits) * 2 ** bits + top;
      let latency = composedMs - drawn;
      if (latency < 0) latency += 2 ** bits;
      out.push(latency);
    };
    await new Promise((r) => setTimeout(r, seconds * 1000));
    socket.close();
    return out;
  }, { token: url.hash.replace("#token=", ""), seconds, bits: BITS });
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  console.log(JSON.stringify({ codec, samples: samples.length, p50: at(0.5), p95: at(0.95), max: Math.round(sorted.at(-1)) }));
} finally {
  await browser.close();
  serve.kill("SIGINT");
}
