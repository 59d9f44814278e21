#!/usr/bin/env python3
"""Stingers under load: `streamwerk record` of the demo at 1080p30 (x264 veryfast 4500 kbit/s)
switching scenes through a 1 s 1080p VP9-with-alpha stinger (cut at 500 ms, decoded by libvpx
on its own thread) 20 times in a row, one every 1.5 s, from standard input. Reports the
frames the program lagged (late ticks) and skipped (no free encoder frame) over the run, the
same for a run with cuts only, and each run's CPU and peak RSS.

    python3 tools/bench_transitions.py [--count 20] [--bin target/release/streamwerk]
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time

from bench_pipeline import DEMO, ROOT


def make_stinger(path):
    # A white band with soft edges sweeping across a clear picture, 1 s at 1080p30.
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
         "color=c=white:size=1920x1080:rate=30,format=yuva420p,"
         "geq=lum='p(X,Y)':cb='p(X,Y)':cr='p(X,Y)':a='255*gt(600-abs(X-T*2400+300),0)'",
         "-t", "1", "-c:v", "libvpx-vp9", "-pix_fmt", "yuva420p", "-b:v", "4M",
         "-deadline", "realtime", "-cpu-used", "8", "-auto-alt-ref", "0", path],
        check=True)


def run(args, tmp, transition, label):
    with open(DEMO) as f:
        demo = json.loads(f.read().replace("../logos/", os.path.join(ROOT, "assets/logos") + "/").replace("../brand/", os.path.join(ROOT, "assets/brand") + "/"))
    demo["transition"] = transition
    scene = os.path.join(tmp, f"{label}.json")
    with open(scene, "w") as f:
        json.dump(demo, f)
    out = os.path.join(tmp, f"{label}.mkv")
    seconds = args.count * 1.5 + 3
    proc = subprocess.Popen(
        [args.bin, "record", "--scene", scene, "--canvas", "1920x1080", "--out", out,
         "--duration", str(seconds)],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def script():
        time.sleep(1.5)
        for n in range(args.count):
            target = "Be right back" if n % 2 == 0 else "Live"
            proc.stdin.write(f"transition {target}\n")
            proc.stdin.flush()
            time.sleep(1.5)
    threading.Thread(target=script, daemon=True).start()
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"streamwerk failed: {err}")
    said = err.count(" to `")
    summary = re.search(r"(\d+) frames encoded, (\d+) lagged, (\d+) skipped", err)
    frames, lagged, skipped = (int(x) for x in summary.groups())
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{label:>8}: {said} transitions, {frames} frames, {lagged} lagged, {skipped} skipped; "
          f"CPU {cpu / seconds * 100:.0f} % of a core, peak RSS {usage.ru_maxrss / 1024:.0f} MiB",
          flush=True)


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--bin", default=os.path.join(target, "release/streamwerk"))
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')} on {platform.node()}: {os.cpu_count()} cores, 1080p30 demo, "
          f"x264 veryfast 4500 kbit/s to a recording, {args.count} transitions 1.5 s apart", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        stinger = os.path.join(tmp, "stinger.webm")
        make_stinger(stinger)
        run(args, tmp, {"kind": "cut"}, "cut")
        run(args, tmp, {"kind": "stinger", "path": stinger, "cut_point_ms": 500}, "stinger")
        run(args, tmp, {"kind": "fade", "duration_ms": 1000}, "fade")


if __name__ == "__main__":
    main()
