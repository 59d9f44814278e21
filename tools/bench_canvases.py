#!/usr/bin/env python3
"""Two canvases against one: what a vertical canvas beside the 16:9 one costs.

The same camera-like clip as bench_pipeline (motion + per-frame noise, played by the
`media_file` source under the demo's logo, lower third and two text lines), on the demo made
two-canvas by `streamwerk add-canvas` (720x1280 beside 1280x720: the camera centre-cropped, the
overlays arranged for the vertical picture). Jobs, each live for --seconds:

- one canvas: the 16:9 canvas to a Matroska recording and 2 local nginx-rtmp destinations;
- two canvases: the same, plus the vertical canvas to its own recording and 2 destinations
  (one composition thread, one x264 per canvas, one AAC for both);
- the vertical canvas's floor: the ffmpeg CLI decoding the clip, cropping and scaling it to
  720x1280 and encoding it to a file, less the same ffmpeg only decoding it: what the second
  picture costs at the least (its scaling and its x264; the decode is shared), which nothing
  can save.

Both canvases encode x264 veryfast zerolatency CBR 2500k, 2 s GOP (the bench_pipeline
settings). CPU time and peak RSS come from the kernel (wait4 rusage). The verdict compares the
two-canvas job with the one-canvas job plus the floor (the issue's bound: at most 1.05x) and
its peak RSS with the one-canvas job's (at most 1.6x). --heights 720,1080 also runs 1080p +
1080x1920 (4500 kbit/s each) and says whether 2 cores keep up.

Usage: tools/bench_canvases.py [--seconds 20] [--rounds 3] [--heights 720,1080] [--bin target/release/streamwerk]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from bench_pipeline import Nginx, clip_scene, make_clip, median, profile_file, run_measured, video_frames, x264_args

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def two_canvas_scene(args, tmp, clip, width, height):
    """The clip demo with a vertical canvas (height x width) added by `streamwerk add-canvas`."""
    scene = clip_scene(tmp, clip)
    subprocess.run([args.bin, "add-canvas", "--scene", scene, "--name", "vertical",
                    "--size", f"{height}x{width}"], check=True, stderr=subprocess.DEVNULL)
    return scene


def streamwerk_job(args, tmp, scene, profile, size, canvases, label):
    """Recording + 2 destinations per canvas, the main canvas at `size`; returns (CPU s/s,
    peak RSS MiB, last stats)."""
    servers = {c: [Nginx(tmp), Nginx(tmp)] for c in canvases}
    cmd = [args.bin, "stream", "--scene", scene, "--profile", profile, "--duration", str(args.seconds),
           "--canvas", f"{size[0]}x{size[1]}", "--stats-json", "--overwrite"]
    outs = []
    for canvas in canvases:
        out = os.path.join(tmp, f"{label}-{canvas}.mkv")
        outs.append(out)
        cmd += ["--record", f"{canvas}={out}"]
        for s in servers[canvas]:
            cmd += ["--dest", f"{canvas}={s.url()}"]
    used, rss, _, stats, _ = run_measured(cmd, [s for ss in servers.values() for s in ss], stdout=None)
    for ss in servers.values():
        for s in ss:
            s.stop()
    last = json.loads(stats.strip().splitlines()[-1])
    lost = last["frames_lagged"] + sum(c["frames_skipped"] for c in last["canvases"]) + sum(
        s["dropped"] for s in last["sinks"])
    frames = [video_frames(o) for o in outs]
    print(f"{label:<44} {used / args.seconds:8.3f} {rss:8.1f} {'/'.join(map(str, frames)):>9} {lost:6d}", flush=True)
    return used / args.seconds, rss, last


def floor_job(args, tmp, clip, width, height, kbps):
    """The vertical picture's own floor: the ffmpeg CLI decoding the clip, cropping and scaling
    it to the vertical size and encoding it, less the same ffmpeg only decoding it (the decode
    is shared by both canvases, so the second one does not pay it again)."""
    base = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1", "-re", "-i", clip,
            "-t", str(args.seconds)]
    crop = ["-vf", f"crop=ih*{height}/{width}:ih,scale={height}:{width}"]
    out = os.path.join(tmp, "floor-vertical.mkv")
    encode, _, _, _, _ = run_measured(base + crop + x264_args(kbps) + ["-flags:v", "+global_header", out], [])
    decode, _, _, _, _ = run_measured(base + ["-an", "-f", "null", "-"], [])
    floor = (encode - decode) / args.seconds
    print(f"{'vertical floor (ffmpeg: scale+x264 - decode)':<44} {floor:8.3f} {'-':>8} {video_frames(out):>9} {'-':>6}",
          flush=True)
    return floor


def compare(args, tmp, width, height, kbps, rounds):
    clip = os.path.join(tmp, f"camera-like-{height}p.mp4")
    make_clip(clip, width, height)
    scene = two_canvas_scene(args, tmp, clip, width, height)
    profile = profile_file(tmp, kbps)
    one, two, floor, rss_one, rss_two = [], [], [], [], []
    last = None
    for _ in range(rounds):
        cpu, rss, _ = streamwerk_job(args, tmp, scene, profile, (width, height), ["main"], f"{height}p one canvas")
        one.append(cpu)
        rss_one.append(rss)
        cpu, rss, last = streamwerk_job(args, tmp, scene, profile, (width, height), ["main", "vertical"],
                                        f"{height}p + {height}x{width} two canvases")
        two.append(cpu)
        rss_two.append(rss)
        floor.append(floor_job(args, tmp, clip, width, height, kbps))
    m1, m2, mf = median(one), median(two), median(floor)
    print(f"\n{height}p medians of {rounds}: one canvas {m1:.3f} CPU s/s ({min(one):.3f}-{max(one):.3f}), "
          f"two {m2:.3f} ({min(two):.3f}-{max(two):.3f}), vertical floor {mf:.3f}")
    print(f"{height}p two canvases / (one canvas + vertical floor): {m2 / (m1 + mf):.3f} (bound 1.05)")
    print(f"{height}p peak RSS two / one: {max(rss_two):.0f} / {max(rss_one):.0f} MiB = "
          f"{max(rss_two) / max(rss_one):.2f} (bound 1.6)")
    for c in last["canvases"]:
        print(f"{height}p {c['name']} {c['width']}x{c['height']}: {c['frames_encoded']} frames, "
              f"{c['frames_skipped']} skipped, {c['bitrate_kbps']:.0f} kbit/s at the end")
    print(f"{height}p lagged frames (composition late) in the last two-canvas run: {last['frames_lagged']}\n", flush=True)


def main():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--heights", default="720", help="main canvas heights to run: 720 (beside 720x1280), 1080 (beside 1080x1920)")
    parser.add_argument("--bin", default=os.path.join(target, "release/streamwerk"))
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')} on {platform.node()}: {os.cpu_count()} cores, {platform.machine()}, "
          f"{args.seconds:g} s per job, {args.rounds} round(s)")
    print(f"{'job':<44} {'CPU s/s':>8} {'RSS MiB':>8} {'frames':>9} {'lost':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        for height in map(int, args.heights.split(",")):
            width = height * 16 // 9
            compare(args, tmp, width, height, 2500 if height <= 720 else 4500, args.rounds)


if __name__ == "__main__":
    main()
