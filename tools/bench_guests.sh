#!/usr/bin/env bash
# What one remote guest costs the engine process: CPU over 10 s of a 640x360 show recording,
# with no guest, then with one guest in Debian's Chromium (fake camera: testsrc2 at 1280x720,
# fake microphone: a tone) on VP8, then on H.264, on air and hearing the show back (the
# mix-minus, Opus-encoded for them). Chromium's own CPU is not counted. The engine's resident
# memory is read at the end of the 10 s.
# Usage: tools/bench_guests.sh [STREAMWERK_BIN]   (from the repository's root, UI built)
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/streamwerk}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ffmpeg -v error -y -f lavfi -i testsrc2=s=1280x720:r=30:d=4 -pix_fmt yuv420p "$dir/cam.y4m"
ffmpeg -v error -y -f lavfi -i sine=frequency=1000:sample_rate=48000:duration=3 "$dir/tone.wav"
# The guest test's show (the first collection in the file).
sed -n '/r##"/,/"##/{p;/"##/q}' tests/tests/guests.rs | sed '1s/.*r##"//; $s/"##.*//' > "$dir/show.json"
cat > "$dir/join.mjs" <<JS
import { chromium } from "$PWD/ui/node_modules/playwright-core/index.mjs";
const [link, codec, secs] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox",
  "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
  "--use-file-for-fake-video-capture=$dir/cam.y4m", "--use-file-for-fake-audio-capture=$dir/tone.wav",
  "--allow-loopback-in-peer-connection"] });
const page = await browser.newPage();
const [base, token] = link.split("#");
await page.goto(base + "?name=Ana&autojoin=1&codec=" + codec + "#" + token);
await page.waitForFunction(() => window.guest?.stage() === "on_air", null, { timeout: 20000 });
await page.waitForTimeout(Number(secs) * 1000);
await browser.close();
JS
echo "| guest | engine CPU (cores) | engine RSS (MiB) |"
echo "|---|---|---|"
for mode in none vp8 h264; do
  "$bin" record --duration 24 --guests 127.0.0.1:0 --guest-auto-admit --scene "$dir/show.json" --out "$dir/$mode.mkv" > "$dir/log" 2>&1 &
  pid=$!
  sleep 3
  if [ "$mode" != none ]; then node "$dir/join.mjs" "$(grep -o 'http://[^ ]*' "$dir/log" | head -1)" "$mode" 15 & fi
  sleep 4
  t0=$(awk '{print $14+$15}' "/proc/$pid/stat"); sleep 10; t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
  echo "| $mode | $(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", t / 1000 }') | $rss |"
  wait "$pid"
done
