#!/usr/bin/env python3
"""Whole-job benchmark, two tables.

Same clip (the main one): a camera-like clip that this script makes with FFmpeg (a moving test
picture with per-frame noise, so x264 works as it does on a camera, and AAC sound) is played
full-canvas under the demo's logo, lower-third bar and two text lines, by streamwerk's
`media_file` source and by the ffmpeg CLI composing the same overlays; both encode it (x264
veryfast zerolatency CBR, 2500k at 720p and 4500k at 1080p, 2 s GOP, AAC 160k) to a Matroska
recording and 3 local nginx-rtmp destinations. The floor is the ffmpeg CLI only decoding the
clip and encoding it, no overlays, to one file: what no composition can go under.

Demo: streamwerk running the demo's branded "Live" scene (synthetic, mostly static) beside the
ffmpeg CLI doing the same composition (bars, moving box, frame counter and timecode, scaled logo, lower
third with two text lines, sine), the same encode (x264 veryfast zerolatency CBR 4500k, AAC
160k) and the same fan-out: a Matroska recording alone, then with 1 and with 3 local
nginx-rtmp destinations (ffmpeg: the tee muxer). Everything runs live (-re for ffmpeg), one job
after the other in one run on this machine. CPU time and peak RSS come from the kernel (wait4
rusage); "sinks" is the CPU of streamwerk's sink threads (recording and destinations), the
fan-out's own cost without x264's run-to-run noise; "to live" is the time from start until
every nginx has a publisher recording.

Usage: tools/bench_pipeline.py [--seconds 15] [--rounds 3] [--tables clip,demo]
                               [--bin target/release/streamwerk]
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "assets/scenes/demo.json")
LOGO = os.path.join(ROOT, "assets/logos/streamwerk-logo.png")
FONT = os.path.join(ROOT, "assets/fonts/DejaVuSans.ttf")
BOLD = os.path.join(ROOT, "assets/fonts/DejaVuSans-Bold.ttf")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """One nginx-rtmp ingest that records what it receives (one per platform)."""

    def __init__(self, root):
        self.dir = tempfile.mkdtemp(dir=root)
        os.chmod(self.dir, 0o755)
        self.rec = os.path.join(self.dir, "rec")
        os.mkdir(self.rec)
        os.chmod(self.rec, 0o777)
        self.port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(
                "load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;\n"
                f"daemon off; master_process off; pid {self.dir}/nginx.pid; error_log {self.dir}/error.log;\n"
                "events { worker_connections 64; }\n"
                f"rtmp {{ server {{ listen 127.0.0.1:{self.port}; chunk_size 4096;\n"
                f"application live {{ live on; record all; record_path {self.rec}; record_unique on; }} }} }}\n")
        self.proc = subprocess.Popen(["nginx", "-p", self.dir, "-c", conf, "-e", f"{self.dir}/error.log"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        sys.exit("nginx did not start")

    def url(self):
        return f"rtmp://127.0.0.1:{self.port}/live/bench"

    def publishing(self):
        return any(os.path.getsize(os.path.join(self.rec, f)) > 0 for f in os.listdir(self.rec))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def thread_cpu(pid, seen):
    """Adds each thread's CPU seconds so far to `seen` (by thread id: name, seconds), from
    schedstat's nanoseconds (stat's 10 ms ticks are too coarse for a sink thread)."""
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                seen[tid] = (name, int(f.read().split()[0]) / 1e9)
    except (FileNotFoundError, ProcessLookupError):
        pass


def run_measured(cmd, servers, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (cpu s, peak RSS MiB, seconds until every server receives, stdout,
    CPU seconds of the threads named sink-*). Says so when the job ran slower than real time
    (CPU per output second then counts a machine that could not keep up)."""
    start = time.monotonic()
    # Files, not pipes: nothing reads a pipe until the job ends, and a job that writes more than
    # a pipe holds (a minute of --stats-json) would block on it.
    out_file, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=out_file if stdout is None else stdout, stderr=err_file)
    to_live = None
    threads = {}
    while True:
        # wait4 without waiting: the exit status and rusage arrive together, once.
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if to_live is None and servers and all(s.publishing() for s in servers):
            to_live = time.monotonic() - start
        thread_cpu(proc.pid, threads)
        time.sleep(0.002 if to_live is None and servers else 0.1)
    out_file.seek(0)
    err_file.seek(0)
    out = out_file.read().decode() if stdout is None else ""
    err = err_file.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed: {err}")
    sinks = sum(cpu for name, cpu in threads.values() if name.startswith("sink-"))
    wall = time.monotonic() - start
    if "-t" in cmd or "--duration" in cmd:
        seconds = float(cmd[cmd.index("-t" if "-t" in cmd else "--duration") + 1])
        if wall > seconds + 2:
            print(f"  note: {os.path.basename(cmd[0])} took {wall:.1f} s for {seconds:g} s of output", flush=True)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, to_live, out, sinks


def video_frames(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
         "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
        capture_output=True, text=True, check=True).stdout
    return int(out.strip())


def ffmpeg_peer(width, height, seconds, out, urls):
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
    ] + x264_args(4500) + ["-t", str(seconds)] + outputs_args(out, urls)


def x264_args(kbps):
    """The encode both sides use (streamwerk's defaults, with `kbps`)."""
    return [
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "high",
        "-b:v", f"{kbps}k", "-maxrate", f"{kbps}k", "-bufsize", f"{kbps}k", "-g", "60",
        "-x264-params", "scenecut=0:open-gop=0:nal-hrd=cbr:force-cfr=1", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "160k", "-ac", "2",
    ]


def outputs_args(out, urls):
    # Matroska and FLV carry the codec headers globally; tee cannot ask for it itself.
    return ["-flags:v", "+global_header", "-flags:a", "+global_header"] + (
        ["-f", "tee", "|".join([f"[f=matroska]{out}"]
                               + [f"[f=flv:onfail=ignore:flvflags=no_duration_filesize]{u}" for u in urls])]
        if urls else ["-f", "matroska", out])


def make_clip(path, width, height, seconds=10):
    """A camera-like clip: testsrc2 moves, noise changes every pixel every frame (as a sensor
    does), 440 Hz sound; H.264 at a camera's bitrate (8 Mbit/s at 720p, 16 at 1080p, a
    keyframe a second), so decoding it costs what a camera file does."""
    mbps = 8 if height <= 720 else 16
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=30,noise=alls=12:allf=t+u",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast",
         "-b:v", f"{mbps}M", "-maxrate", f"{mbps}M", "-bufsize", f"{2 * mbps}M", "-g", "30",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", path], check=True)


def clip_scene(tmp, clip):
    """The demo with its camera replaced by the clip (looping, full canvas) and the clip's
    sound instead of the tone."""
    with open(DEMO) as f:
        doc = json.load(f)
    for source in doc["sources"]:
        if source["id"] == "camera":
            source.update(kind="media_file", settings={"path": clip, "looping": True})
        if source["kind"] == "image":
            source["settings"]["path"] = LOGO
    doc["sources"] = [s for s in doc["sources"] if s["kind"] != "tone"]
    for scene in doc["scenes"]:
        scene["layers"] = [l for l in scene["layers"] if l["source"] != "tone"]
    path = os.path.join(tmp, f"clip-scene-{os.path.basename(clip)}.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def ffmpeg_clip_peer(width, height, seconds, clip, kbps, out, urls, overlays=True):
    """The clip under the demo's overlays (logo, lower third, two lines), or alone (the floor)."""
    k = width / 1280
    s = lambda v: int(round(v * k))
    graph = (
        f"[1:v]scale={s(120)}:{s(120)}[logo];"
        f"[0:v][logo]overlay={s(1128)}:{s(32)}:shortest=1,"
        f"drawbox=x={s(64)}:y={s(544)}:w={s(900)}:h={s(112)}:color=0x6D28D9@0.9:t=fill,"
        f"drawbox=x={s(64)}:y={s(544)}:w={s(12)}:h={s(112)}:color=0xF59E0B:t=fill,"
        f"drawtext=fontfile={BOLD}:fontcolor=white:fontsize={s(44)}:text='Alex Rivera':x={s(100)}:y={s(562)},"
        f"drawtext=fontfile={FONT}:fontcolor=0xEDE9FE:fontsize={s(28)}:text='Head of Social, Streamwerk':x={s(100)}:y={s(614)}[v]"
    )
    inputs = ["-stream_loop", "-1", "-re", "-i", clip]
    if overlays:
        inputs += ["-loop", "1", "-framerate", "30", "-i", LOGO, "-filter_complex", graph,
                   "-map", "[v]", "-map", "0:a"]
    return (["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"] + inputs
            + x264_args(kbps) + ["-t", str(seconds)] + outputs_args(out, urls))


def profile_file(tmp, kbps):
    path = os.path.join(tmp, f"profile-{kbps}.json")
    with open(path, "w") as f:
        json.dump({"schema_version": 1, "video": {"bitrate_kbps": kbps}}, f)
    return path


def median(values):
    return sorted(values)[len(values) // 2]


def run_job(args, tmp, tool, width, height, dests, label, scene=DEMO, profile=None, peer=None):
    """One job; returns (CPU s per output s, sink CPU s/s, peak RSS MiB) and prints its line."""
    servers = [Nginx(tmp) for _ in range(dests)]
    out = os.path.join(tmp, re.sub(r"[^A-Za-z0-9]+", "-", label) + ".mkv")
    expected = int(args.seconds * 30)
    if tool == "streamwerk":
        cmd = [args.bin, "stream", "--scene", scene, "--canvas", f"{width}x{height}",
               "--duration", str(args.seconds), "--record", out, "--stats-json", "--overwrite"]
        if profile:
            cmd += ["--profile", profile]
        for s in servers:
            cmd += ["--dest", s.url()]
        used, rss, to_live, stats, sinks = run_measured(cmd, servers, stdout=None)
        last = json.loads(stats.strip().splitlines()[-1])
        dropped = (last["frames_lagged"] + last["frames_skipped"]
                   + sum(s["dropped"] for s in last["sinks"]))
    else:
        used, rss, to_live, _, sinks = run_measured(peer(out, [s.url() for s in servers]), servers)
        dropped = None
    for s in servers:
        s.stop()
    frames = video_frames(out)
    if dropped is None:
        dropped = max(expected - frames, 0)
    elif frames != expected:
        # Tells an engine that made fewer frames from a sink that lost one.
        print(f"  note: {frames} frames recorded, {last['frames_encoded']} encoded, "
              f"{last['frames_lagged']} lagged, {last['frames_skipped']} skipped", flush=True)
    live = f"{to_live:.3f}" if to_live is not None else "-"
    sink_text = f"{sinks / args.seconds:.4f}" if tool == "streamwerk" else "-"
    print(f"{label:<36} {used / args.seconds:8.3f} {sink_text:>7} {rss:8.1f} {live:>8} {frames:7d} {dropped:8d}",
          flush=True)
    return used / args.seconds, sinks / args.seconds, rss


def clip_table(args, tmp):
    """streamwerk and the ffmpeg CLI on the same camera-like clip, and the floor."""
    cpu, rss = {}, {}
    clips = {}
    for width, height in [(1280, 720), (1920, 1080)]:
        clip = os.path.join(tmp, f"camera-like-{height}p.mp4")
        make_clip(clip, width, height)
        clips[height] = (clip, clip_scene(tmp, clip))
    for _ in range(args.rounds):
        for width, height in [(1280, 720), (1920, 1080)]:
            kbps = 2500 if height == 720 else 4500
            clip, scene = clips[height]
            for tool in ("streamwerk", "ffmpeg", "floor"):
                dests = 0 if tool == "floor" else 3
                peer = lambda out, urls, overlays=(tool != "floor"): ffmpeg_clip_peer(
                    width, height, args.seconds, clip, kbps, out, urls, overlays)
                used, _, peak = run_job(args, tmp, "streamwerk" if tool == "streamwerk" else "ffmpeg",
                                        width, height, dests, f"clip {tool} {height}p30 {kbps}k rec + {dests} dest",
                                        scene=scene, profile=profile_file(tmp, kbps), peer=peer)
                cpu.setdefault((tool, height), []).append(used)
                rss.setdefault((tool, height), []).append(peak)
    print(f"\nsame clip, medians of {args.rounds} round(s): CPU s/s (range), peak RSS MiB")
    for height in (720, 1080):
        med = {t: median(cpu[(t, height)]) for t in ("streamwerk", "ffmpeg", "floor")}
        for tool in ("streamwerk", "ffmpeg", "floor"):
            v = cpu[(tool, height)]
            print(f"clip {tool} {height}p30: {med[tool]:.3f} ({min(v):.3f}-{max(v):.3f}), "
                  f"{max(rss[(tool, height)]):.0f} MiB")
        print(f"clip {height}p30: streamwerk/ffmpeg {med['streamwerk'] / med['ffmpeg']:.2f}, "
              f"streamwerk/floor {med['streamwerk'] / med['floor']:.2f}, ffmpeg/floor {med['ffmpeg'] / med['floor']:.2f}")


def demo_table(args, tmp):
    """streamwerk's synthetic demo against the ffmpeg CLI drawing the same picture."""
    cpu, sink_cpu = {}, {}
    for _ in range(args.rounds):
        for width, height in [(1280, 720), (1920, 1080)]:
            for dests in (0, 1, 3):
                for tool in ("streamwerk", "ffmpeg"):
                    peer = lambda out, urls: ffmpeg_peer(width, height, args.seconds, out, urls)
                    used, sinks, _ = run_job(args, tmp, tool, width, height, dests,
                                             f"{tool} {height}p30 rec + {dests} dest", peer=peer)
                    cpu.setdefault((tool, height, dests), []).append(used)
                    sink_cpu.setdefault((tool, height, dests), []).append(sinks)
    med = {k: median(v) for k, v in cpu.items()}
    if args.rounds > 1:
        print(f"\nmedians of {args.rounds} rounds (CPU s/s; sinks)")
        for (tool, height, dests), v in cpu.items():
            sinks = f"{median(sink_cpu[(tool, height, dests)]):.4f}" if tool == "streamwerk" else "-"
            print(f"{tool} {height}p30 rec + {dests} dest: {med[(tool, height, dests)]:.3f} "
                  f"(runs {min(v):.3f}-{max(v):.3f}); sinks {sinks}")
    for height in (720, 1080):
        for dests in (0, 1, 3):
            ratio = med[("streamwerk", height, dests)] / med[("ffmpeg", height, dests)]
            print(f"ratio streamwerk/ffmpeg {height}p30 rec + {dests} dest: {ratio:.2f}")
        for tool in ("streamwerk", "ffmpeg"):
            print(f"ratio 3 dest / 1 dest {tool} {height}p30: {med[(tool, height, 3)] / med[(tool, height, 1)]:.3f}")
        extra = median(sink_cpu[("streamwerk", height, 3)]) - median(sink_cpu[("streamwerk", height, 1)])
        print(f"streamwerk {height}p30: two more destinations cost their sink threads {extra:.4f} CPU s/s, "
              f"{extra / med[('streamwerk', height, 1)] * 100:.1f} % of the 1-destination job")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every job this many times, round after round; ratios use medians")
    parser.add_argument("--tables", default="clip,demo", help="which tables: clip, demo or both")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    parser.add_argument("--bin", default=os.path.join(target, "release/streamwerk"))
    args = parser.parse_args()
    if not shutil.which("nginx"):
        sys.exit("nginx with libnginx-mod-rtmp is needed (make test installs it)")

    print(f"# {time.strftime('%Y-%m-%d')} on {platform.node()}: {os.cpu_count()} cores, "
          f"{platform.machine()}, {args.seconds:g} s per job, {args.rounds} round(s)")
    print(f"{'job':<36} {'CPU s/s':>8} {'sinks':>7} {'RSS MiB':>8} {'to live':>8} {'frames':>7} {'dropped':>8}")
    tables = args.tables.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        if "clip" in tables:
            clip_table(args, tmp)
        if "demo" in tables:
            demo_table(args, tmp)


if __name__ == "__main__":
    main()
