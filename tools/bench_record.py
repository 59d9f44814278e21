#!/usr/bin/env python3
"""Whole-job benchmark: streamwerk recording the demo's branded "Live" scene beside the ffmpeg
CLI doing the same composition (bars, moving box, frame counter and timecode, scaled logo,
lower third with two text lines, sine) and the same encode (x264 veryfast zerolatency CBR,
AAC 160k) into Matroska. Both run live (-re for ffmpeg) in one run on this machine; CPU time
and peak RSS come from the kernel (wait4 rusage). Prints a table and the ratios.

Usage: tools/bench_record.py [--seconds 20] [--bin target/release/streamwerk]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "assets/scenes/demo.json")
LOGO = os.path.join(ROOT, "assets/logos/streamwerk-logo.png")
FONT = os.path.join(ROOT, "assets/fonts/DejaVuSans.ttf")
BOLD = os.path.join(ROOT, "assets/fonts/DejaVuSans-Bold.ttf")


def run_measured(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (cpu seconds, peak RSS MiB, wall seconds, stdout text)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode() if stdout is None else ""
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed: {err}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall, out


def video_frames(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
        capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def ffmpeg_peer(width, height, seconds, out):
    """The same scene as assets/scenes/demo.json's "Live", as an ffmpeg filter graph."""
    k = width / 1280
    s = lambda v: int(round(v * k))
    box = (height // 8) & ~1
    step = max(width // 60, 2)
    glyph = height / 14
    text = f"fontfile={FONT}:fontcolor=white:fontsize={glyph:.0f}"
    y = int(height * 0.42)
    graph = (
        f"color=c=white:s={box}x{box}:r=30[outer];color=c=black:s={box // 2}x{box // 2}:r=30[inner];"
        f"[outer][inner]overlay={box // 4}:{box // 4}[box];"
        f"[0:v][box]overlay=x='mod(n*{step},{width - box})':y={y}:shortest=1,"
        f"drawbox=x={s(445)}:y={height // 16}:w={s(390)}:h={s(155)}:color=black:t=fill,"
        f"drawtext={text}:text='%{{frame_num}}':x=(w-tw)/2:y={height // 16 + s(20)},"
        f"drawtext={text}:timecode='00\\:00\\:00\\:00':rate=30:x=(w-tw)/2:y={height // 16 + s(82)}[bg];"
        f"[1:v]scale={s(120)}:{s(120)}[logo];"
        f"[bg][logo]overlay={s(1128)}:{s(32)}:shortest=1,"
        f"drawbox=x={s(64)}:y={s(544)}:w={s(900)}:h={s(112)}:color=0x6D28D9@0.9:t=fill,"
        f"drawbox=x={s(64)}:y={s(544)}:w={s(12)}:h={s(112)}:color=0xF59E0B:t=fill,"
        f"drawtext=fontfile={BOLD}:fontcolor=white:fontsize={s(44)}:text='Alex Rivera':x={s(100)}:y={s(562)},"
        f"drawtext=fontfile={FONT}:fontcolor=0xEDE9FE:fontsize={s(28)}:text='Head of Social, Streamwerk':x={s(100)}:y={s(614)}[v]"
    )
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-re", "-f", "lavfi", "-i", f"smptebars=size={width}x{height}:rate=30",
        "-loop", "1", "-framerate", "30", "-i", LOGO,
        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-filter_complex", graph, "-map", "[v]", "-map", "2:a",
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "high",
        "-b:v", "4500k", "-maxrate", "4500k", "-bufsize", "4500k", "-g", "60",
        "-x264-params", "scenecut=0:open-gop=0:nal-hrd=cbr:force-cfr=1", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "160k", "-ac", "2", "-t", str(seconds), "-f", "matroska", out,
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--bin", default=os.path.join(target, "release/streamwerk"))
    args = parser.parse_args()

    print(f"# {time.strftime('%Y-%m-%d')} on {platform.node()}: {os.cpu_count()} cores, "
          f"{platform.processor() or platform.machine()}, {args.seconds:g} s per job")
    print(f"{'job':<34} {'CPU s/s':>8} {'RSS MiB':>8} {'frames':>7} {'dropped':>8}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for width, height in [(1280, 720), (1920, 1080)]:
            expected = int(args.seconds * 30)
            out = os.path.join(tmp, f"sw-{height}.mkv")
            cpu, rss, _, stats = run_measured(
                [args.bin, "record", "--scene", DEMO, "--canvas", f"{width}x{height}",
                 "--duration", str(args.seconds), "--out", out, "--stats-json"], stdout=None)
            last = json.loads(stats.strip().splitlines()[-1])
            dropped = last["frames_lagged"] + last["frames_skipped"] + sum(s["dropped"] for s in last["sinks"])
            frames = video_frames(out)
            results[("streamwerk", height)] = cpu / args.seconds
            print(f"{'streamwerk ' + str(height) + 'p30 record':<34} {cpu / args.seconds:8.3f} {rss:8.1f} {frames:7d} {dropped:8d}")

            out = os.path.join(tmp, f"ff-{height}.mkv")
            cpu, rss, _, _ = run_measured(ffmpeg_peer(width, height, args.seconds, out))
            frames = video_frames(out)
            results[("ffmpeg", height)] = cpu / args.seconds
            print(f"{'ffmpeg CLI ' + str(height) + 'p30 record':<34} {cpu / args.seconds:8.3f} {rss:8.1f} {frames:7d} {max(expected - frames, 0):8d}")
    for height in (720, 1080):
        ratio = results[("streamwerk", height)] / results[("ffmpeg", height)]
        print(f"ratio streamwerk/ffmpeg {height}p30: {ratio:.2f}")


if __name__ == "__main__":
    main()
