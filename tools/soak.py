#!/usr/bin/env python3
"""Soak: a long show with every source kind that runs without hardware here (a looping
camera-like media file, test pattern, colour, image, text, tone, a ticker and a call to action
with its QR code that hides itself, and a camera, which shows its "disconnected" card on a
machine without one), recorded and streamed to 3 local nginx-rtmp
destinations. Samples the process's resident memory every 5 s and reports peak RSS, the growth
from the end of the warm-up to the end, and dropped frames. `make bench` runs 30 minutes;
the 90 s version with a pass/fail bound is tests/tests/soak.rs in `make test`.

Usage: tools/soak.py [--minutes 30] [--warm-up 60] [--bin target/release/streamwerk]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_pipeline import LOGO, ROOT, Nginx, make_clip, video_frames  # noqa: E402


def scene(tmp, clip):
    doc = {
        "schema_version": 1, "name": "Soak",
        "canvas": {"width": 1280, "height": 720, "fps": 30},
        "sources": [
            {"id": "clip", "name": "Clip", "kind": "media_file", "settings": {"path": clip, "looping": True}},
            {"id": "pattern", "name": "Pattern", "kind": "test_pattern", "settings": {"width": 320, "height": 180}},
            {"id": "camera", "name": "Camera", "kind": "camera", "settings": {"width": 320, "height": 180}},
            {"id": "bar", "name": "Bar", "kind": "color", "settings": {"color": "#6D28D9E6", "width": 900, "height": 112}},
            {"id": "logo", "name": "Logo", "kind": "image", "settings": {"path": LOGO}},
            {"id": "name", "name": "Name", "kind": "text", "settings": {"text": "Soak, 30 minutes", "size": 44, "bold": True}},
            {"id": "tone", "name": "Tone", "kind": "tone", "settings": {"level_dbfs": -30}},
            {"id": "ticker", "name": "Ticker", "kind": "template", "settings": {
                "template": "ticker", "title": "A ticker all show long", "width": 1280, "height": 54}},
            {"id": "cta", "name": "Call to action", "kind": "template", "settings": {
                "template": "call_to_action", "title": "Join us", "url": "https://example.com/join",
                "width": 600, "height": 120, "hide_after_s": 20}},
        ],
        "scenes": [{"name": "Live", "layers": [
            {"source": "clip", "transform": {"x": 0, "y": 0, "width": 1280, "height": 720}},
            {"source": "pattern", "transform": {"x": 940, "y": 200}},
            {"source": "camera", "transform": {"x": 940, "y": 400}},
            {"source": "bar", "transform": {"x": 64, "y": 544}},
            {"source": "logo", "transform": {"x": 1128, "y": 32, "width": 120, "height": 120}},
            {"source": "name", "transform": {"x": 100, "y": 562}},
            {"source": "cta", "transform": {"x": 64, "y": 400}},
            {"source": "ticker", "transform": {"x": 0, "y": 666}},
            {"source": "tone"},
        ]}],
    }
    path = os.path.join(tmp, "soak.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warm-up", type=float, default=60, help="seconds before growth is counted")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--bin", default=os.path.join(target, "release/streamwerk"))
    args = parser.parse_args()
    seconds = int(args.minutes * 60)
    with tempfile.TemporaryDirectory() as tmp:
        clip = os.path.join(tmp, "camera-like.mp4")
        make_clip(clip, 1280, 720)
        servers = [Nginx(tmp) for _ in range(3)]
        out = os.path.join(tmp, "soak.mkv")
        scene_file = scene(tmp, clip)
        with open(scene_file) as f:
            sources = len(json.load(f)["sources"])
        cmd = [args.bin, "stream", "--scene", scene_file, "--duration", str(seconds),
               "--record", out, "--stats-json"]
        for s in servers:
            cmd += ["--dest", s.url()]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        samples = []
        while proc.poll() is None:
            try:
                samples.append((time.monotonic() - start, rss_mib(proc.pid)))
            except FileNotFoundError:
                break
            time.sleep(5)
        err = proc.stderr.read()
        reader.join()
        for s in servers:
            s.stop()
        if proc.returncode != 0:
            sys.exit(f"streamwerk failed: {err}")
        last = json.loads(lines[-1])
        warm = [r for t, r in samples if args.warm_up - 10 <= t <= args.warm_up + 10]
        end = [r for t, r in samples if t >= seconds - 30]
        base, final = max(warm), max(end)
        dropped = sum(s["dropped"] for s in last["sinks"])
        frames = video_frames(out)
        print(f"# {time.strftime('%Y-%m-%d')}: {args.minutes:g} min, 720p30, {sources} sources, 3 destinations + recording")
        print(f"peak RSS {max(r for _, r in samples):.1f} MiB; after warm-up {base:.1f} MiB, "
              f"at the end {final:.1f} MiB, growth {(final / base - 1) * 100:+.2f} %")
        print(f"frames recorded {frames} of {seconds * 30}; lagged {last['frames_lagged']}, "
              f"skipped {last['frames_skipped']}, dropped by sinks {dropped}")
        print("rss samples (s, MiB): " + " ".join(f"{t:.0f}:{r:.1f}" for t, r in samples[::12]))


if __name__ == "__main__":
    main()
