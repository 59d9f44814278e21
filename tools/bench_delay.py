#!/usr/bin/env python3
"""Memory of the stream delay: `streamwerk stream` of the demo at 1080p, 4500 kbit/s, to one
nginx-rtmp server, with a delay of 60 s and without one, for 75 s each. Reports what the
delay holds once full (its own count, --stats-json) and the peak RSS of both runs.

    python3 tools/bench_delay.py [--delay 60] [--seconds 75] [--bin target/release/streamwerk]
"""

import argparse
import json
import os
import platform
import tempfile
import time

from bench_pipeline import DEMO, Nginx, profile_file, run_measured


def run(args, tmp, delay):
    server = Nginx(tmp)
    cmd = [args.bin, "stream", "--scene", DEMO, "--canvas", "1920x1080", "--profile",
           profile_file(tmp, 4500), "--duration", str(args.seconds), "--stats-json",
           "--dest", server.url(), "--delay", str(delay)]
    # A file, not a pipe: a minute of stats lines would fill a pipe nobody reads until the end.
    stats = os.path.join(tmp, f"stats-{delay:g}.jsonl")
    with open(stats, "w") as out:
        _, rss, _, _, _ = run_measured(cmd, [server], stdout=out)
    server.stop()
    with open(stats) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    held = max((line.get("delay") or {}).get("held_bytes", 0) for line in lines)
    rate = lines[-1]["bitrate_kbps"] if len(lines) < 2 else lines[-2]["bitrate_kbps"]
    return rss, held, rate


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=60)
    parser.add_argument("--seconds", type=float, default=75)
    parser.add_argument("--bin", default=os.path.join(target, "release/streamwerk"))
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')} on {platform.node()}: {os.cpu_count()} cores, "
          f"1080p30 demo, 4500 kbit/s, 1 nginx-rtmp destination, {args.seconds:g} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        rss0, _, _ = run(args, tmp, 0)
        rss, held, rate = run(args, tmp, args.delay)
    print(f"no delay:        peak RSS {rss0:.1f} MiB")
    print(f"delay {args.delay:g} s:    peak RSS {rss:.1f} MiB (+{rss - rss0:.1f}), held at most "
          f"{held / 1e6:.1f} MB; the stream's bitrate x delay is "
          f"{rate * 1000 / 8 * args.delay / 1e6:.1f} MB at {rate:.0f} kbit/s")


if __name__ == "__main__":
    main()
