#!/usr/bin/env python3
"""Guests over a long show, and how many fit: a 1280x720 show (the camera-like clip behind
the guests' boxes) streamed to a local nginx-rtmp, with GUESTS remote guests on air, each a
Debian Chromium whose fake camera plays a moving test picture at the asked size, 30 fps,
and whose fake microphone plays a tone. Every guest hears and sees the show back. Samples the
engine's resident memory every 5 s; reports its CPU, peak RSS, growth from the end of the
warm-up to the end, and lagged program frames. The Chromium guests run on the same two cores,
at idle priority since on a real show they are on other machines; each reports the frames
it managed to send.

Usage: tools/soak_guests.py [--minutes 10] [--guests 2] [--height 540] [--warm-up 60]
                            [--bin target/release/streamwerk]     (from the root, UI built)
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_pipeline import ROOT, Nginx, make_clip  # noqa: E402
from soak import rss_mib  # noqa: E402

JOIN = """
import { chromium } from "%s/ui/node_modules/playwright-core/index.mjs";
const [link, y4m, wav, secs] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: [
  "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
  `--use-file-for-fake-video-capture=${y4m}`, `--use-file-for-fake-audio-capture=${wav}`,
  "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required"] });
const page = await browser.newPage();
const [base, token] = link.split("#");
await page.goto(base + "?name=Guest&autojoin=1#" + token);
await page.waitForFunction(() => window.guest?.stage() === "on_air", null, { timeout: 90000 });
const on = Date.now();
while (Date.now() - on < Number(secs) * 1000) {
  await page.waitForTimeout(5000);
  if (await page.evaluate(() => window.guest.stage()) !== "on_air") break;
}
const stats = await page.evaluate(async () => window.guest.show(1));
// What the browser sent: frames and their size, from its own statistics.
const sent = await page.evaluate(() => window.guest.sent());
console.log(JSON.stringify({ stage: await page.evaluate(() => window.guest.stage()),
  onAirSeconds: (Date.now() - on) / 1000, showFrames: stats.frames, sent }));
await browser.close();
"""


def scene(tmp, clip, guests):
    """The clip full frame and the guests side by side (a grid past two), 16:9 boxes."""
    cols = 1 if guests == 1 else 2 if guests <= 4 else 3
    rows = max((guests + cols - 1) // cols, 1)
    w = 1280 // cols
    h = min(w * 9 // 16, 720 // rows)
    layers = [{"source": "clip", "transform": {"x": 0, "y": 0, "width": 1280, "height": 720}}]
    sources = [{"id": "clip", "kind": "media_file", "settings": {"path": clip, "looping": True}}]
    for g in range(guests):
        sources.append({"id": f"g{g + 1}", "kind": "guest", "settings": {"slot": f"g{g + 1}", "name": f"Guest {g + 1}"}})
        x, y = (g % cols) * w, (720 - rows * h) // 2 + (g // cols) * h
        layers.append({"source": f"g{g + 1}", "transform": {"x": x, "y": y, "width": w, "height": h}})
    doc = {"schema_version": 1, "name": "Guests soak", "canvas": {"width": 1280, "height": 720, "fps": 30},
           "sources": sources, "scenes": [{"name": "Panel", "layers": layers}]}
    path = os.path.join(tmp, "guests.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def fixtures(tmp, height):
    y4m, wav = os.path.join(tmp, "cam.y4m"), os.path.join(tmp, "tone.wav")
    width = height * 16 // 9 // 2 * 2
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=s={width}x{height}:r=30:d=4", "-pix_fmt", "yuv420p", y4m], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=1000:sample_rate=48000:duration=3", wav], check=True)
    return y4m, wav, width


def machine_busy():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--guests", type=int, default=2)
    parser.add_argument("--height", type=int, default=540, help="the guests' camera height")
    parser.add_argument("--warm-up", type=float, default=60, help="seconds before growth is counted")
    parser.add_argument("--split-cores", action="store_true",
                        help="the engine on the first core, the guests' browsers on the others, "
                             "as if they were on other machines")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--bin", default=os.path.join(target, "release/streamwerk"))
    args = parser.parse_args()
    seconds = int(args.minutes * 60)
    with tempfile.TemporaryDirectory() as tmp:
        clip = os.path.join(tmp, "camera-like.mp4")
        make_clip(clip, 1280, 720)
        y4m, wav, width = fixtures(tmp, args.height)
        join = os.path.join(tmp, "join.mjs")
        with open(join, "w") as f:
            f.write(JOIN % ROOT)
        server = Nginx(tmp)
        out, err = open(os.path.join(tmp, "out"), "w+"), open(os.path.join(tmp, "err"), "w+")
        engine_core = ["taskset", "-c", "0"] if args.split_cores else []
        guest_cores = ["taskset", "-c", f"1-{os.cpu_count() - 1}"] if args.split_cores else []
        proc = subprocess.Popen(
            engine_core + [args.bin, "stream", "--scene", scene(tmp, clip, args.guests), "--duration", str(seconds),
             "--dest", server.url(), "--stats-json"]
            + (["--guests", "127.0.0.1:0", "--guest-auto-admit"] if args.guests else []),
            stdout=out, stderr=err)
        links = []
        deadline = time.monotonic() + 20
        while len(links) < args.guests and time.monotonic() < deadline:
            time.sleep(0.2)
            err.seek(0)
            out.seek(0)
            links = re.findall(r"http://\S+#\S+", err.read() + out.read())
        if len(links) < args.guests:
            proc.kill()
            sys.exit("streamwerk printed no invite links")
        start = time.monotonic()
        # At idle priority: the guests stand in for other machines, so the show gets the
        # cores first and the browsers what is left (their frame rates say how much that was).
        pages = [subprocess.Popen(guest_cores + ["chrt", "--idle", "0", "node", join, link, y4m, wav, str(seconds - 15)], stdout=subprocess.PIPE, text=True)
                 for link in links[:args.guests]]
        samples, cpu, machine = [], [], []
        while proc.poll() is None:
            try:
                t = time.monotonic() - start
                samples.append((t, rss_mib(proc.pid)))
                cpu.append((t, cpu_seconds(proc.pid)))
                machine.append((t, machine_busy()))
            except (FileNotFoundError, ProcessLookupError):
                break
            time.sleep(5)
        results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in pages]
        server.stop()
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"streamwerk failed: {err.read()}")
        out.seek(0)
        stats = [json.loads(line) for line in out.read().splitlines() if line.startswith("{")]
        last = stats[-1]
        # Lagged frames once every guest is on air and the warm-up is over, from the stats the
        # engine prints every second.
        after_warm_up = stats[min(int(args.warm_up), len(stats) - 1)]
        warm = [r for t, r in samples if args.warm_up - 10 <= t <= args.warm_up + 10]
        end = [r for t, r in samples if t >= seconds - 30]
        base, final = max(warm), max(end)
        measured = [(t, c) for t, c in cpu if args.warm_up <= t <= seconds - 20]
        cores = (measured[-1][1] - measured[0][1]) / (measured[-1][0] - measured[0][0])
        busy = [b for t, b in machine if args.warm_up <= t <= seconds - 20]
        load = (busy[-1][0] - busy[0][0]) / (busy[-1][1] - busy[0][1]) * os.cpu_count()
        print(f"# {time.strftime('%Y-%m-%d')}: {args.minutes:g} min, 720p30 streamed, "
              f"{args.guests} guests at {width}x{args.height}p30 (VP8), each seeing and hearing the show"
              + (", the engine alone on core 0" if args.split_cores else ""))
        print(f"engine CPU {cores:.2f} cores, whole machine {load:.2f} of {os.cpu_count()} cores; peak RSS {max(r for _, r in samples):.1f} MiB; "
              f"after warm-up {base:.1f} MiB, at the end {final:.1f} MiB, growth {(final / base - 1) * 100:+.2f} %")
        print(f"program frames lagged {last['frames_lagged']} "
              f"({last['frames_lagged'] - after_warm_up['frames_lagged']} after the warm-up), skipped {last['frames_skipped']}, "
              f"dropped by the destination {sum(s['dropped'] for s in last['sinks'])}")
        for g, r in enumerate(results):
            sent = r["sent"]
            print(f"guest {g + 1}: {r['stage']} for {r['onAirSeconds']:.0f} s, sent {sent['frames']} frames "
                  f"({sent['frames'] / r['onAirSeconds']:.1f} a second, last at {sent['width']}x{sent['height']}), "
                  f"saw {r['showFrames']} frames of the show")
        print("rss samples (s, MiB): " + " ".join(f"{t:.0f}:{r:.1f}" for t, r in samples[::12]))


if __name__ == "__main__":
    main()
