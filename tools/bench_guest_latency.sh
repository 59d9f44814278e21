#!/usr/bin/env bash
# One-way latency of a remote guest, camera to program, on loopback: p50 and p95 over 15 s,
# VP8 then H.264 (ui/bench/guest-latency.mjs says how it is measured).
# Usage: tools/bench_guest_latency.sh [STREAMWERK_BIN]   (from the repository's root, UI built)
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/streamwerk}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ffmpeg -v error -y -f lavfi -i sine=frequency=1000:sample_rate=48000:duration=3 "$dir/tone.wav"
echo "| codec | samples | p50 (ms) | p95 (ms) | max (ms) |"
echo "|---|---|---|---|---|"
for codec in vp8 h264; do
  (cd ui && node bench/guest-latency.mjs "$bin" "$dir/tone.wav" 15 "$codec") |
    python3 -c 'import json,sys; print("| {codec} | {samples} | {p50} | {p95} | {max} |".format(**json.load(sys.stdin)))'
done
