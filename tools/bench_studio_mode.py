#!/usr/bin/env python3
"""Studio mode's CPU cost: `streamwerk serve` of the demo at 1080p30, recording and live to 3
local nginx-rtmp destinations (4500 kbit/s), with the page open in Chromium showing the
program, its "Live" camera a camera-like clip (bench_pipeline's: motion and noise, every
pixel new each frame); windows with studio mode off and on alternate, the preview scene being
the still "Be right back" card or the same camera shown another way (full canvas under the
logo). The page asks for frames at the size it draws them. Reports the serve process's CPU
in each (% of one core).

    python3 tools/bench_studio_mode.py [--seconds 20] [--rounds 3] [--bin target/release/streamwerk]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from bench_pipeline import DEMO, ROOT, Nginx, make_clip, median


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bin", default=os.path.join(target, "release/streamwerk"))
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')} on {platform.node()}: {os.cpu_count()} cores, "
          f"1080p30 demo with a camera-like clip, x264 veryfast 4500 kbit/s, recording + 3 nginx-rtmp destinations, "
          f"{args.rounds} x {args.seconds:g} s per mode", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        servers = [Nginx(tmp) for _ in range(3)]
        clip = os.path.join(tmp, "camera-1080p.mp4")
        make_clip(clip, 1920, 1080)
        with open(DEMO) as f:
            demo = json.loads(f.read().replace("../logos/", os.path.join(ROOT, "assets/logos") + "/").replace("../brand/", os.path.join(ROOT, "assets/brand") + "/"))
        # The camera is the clip (as in a show with a camera), and a third scene shows it
        # another way: full canvas under the logo, as a producer prepares a close-up.
        for source in demo["sources"]:
            if source["id"] == "camera":
                source.update(kind="media_file", settings={"path": clip, "looping": True})
        demo["scenes"].append({"name": "Camera clip", "layers": [{"source": "camera"}, {"source": "logo",
                               "transform": demo["scenes"][0]["layers"][1]["transform"]}]})
        scene = os.path.join(tmp, "demo.json")
        with open(scene, "w") as f:
            json.dump(demo, f)
        subprocess.run([args.bin, "validate", scene], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(tmp, "profile.json"), "w") as f:
            json.dump({"schema_version": 1, "video": {"bitrate_kbps": 4500},
                       "destinations": [{"name": f"nginx{i}", "platform": "custom", "server": s.url()}
                                        for i, s in enumerate(servers)]}, f)
        env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(tmp, "config"),
                   STREAMWERK_KEYS_FILE=os.path.join(tmp, "keys.json"))
        serve = subprocess.Popen([args.bin, "serve", "--port", "0", "--scene", scene], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        url = serve.stdout.readline().split(": ", 1)[1].strip()
        # The page sets the 1080p canvas in Settings, as a user would.
        run = subprocess.run(["node", "bench/studio-mode.mjs", url, str(serve.pid), str(args.seconds),
                              str(args.rounds)], cwd=os.path.join(ROOT, "ui"), capture_output=True, text=True)
        serve.terminate()
        serve.wait()
        for s in servers:
            s.stop()
        if run.returncode != 0:
            sys.exit(f"the page run failed: {run.stderr}")
        result = json.loads(run.stdout.strip().splitlines()[-1])
    for w in result["windows"]:
        print(f"  {w['mode']:>26}: {w['cpuPercent']:.0f} % CPU, program drawn {w['programFps']:.1f} fps"
              + (f", preview scene {w['previewFps']:.1f} fps" if w["mode"] != "off" else ""))
    off = median([w["cpuPercent"] for w in result["windows"] if w["mode"] == "off"])
    print(f"median, off: {off:.0f} %")
    for mode in sorted({w["mode"] for w in result["windows"]} - {"off"}):
        on = median([w["cpuPercent"] for w in result["windows"] if w["mode"] == mode])
        print(f"median, {mode}: {on:.0f} % ({(on / off - 1) * 100:+.1f} %)")
    print(result["status"])


if __name__ == "__main__":
    main()
