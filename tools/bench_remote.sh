#!/usr/bin/env bash
# What the remote control costs and how fast it answers: `streamwerk serve` on the demo with
# the obs-websocket-js 5.0.8 client (MessagePack, as Companion uses it) on loopback.
# - the studio's CPU over 10 s and its resident memory: with the remote control off, then on
#   with no client, 1 and 4 clients subscribed to everything including InputVolumeMeters (20
#   a second each);
# - then round trips, p50 and p95: 500 GetVersion, 100 SetCurrentProgramScene and the time
#   until its CurrentProgramSceneChanged arrives.
# Usage: tools/bench_remote.sh [STREAMWERK_BIN]   (from the repository's root, UI built)
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/streamwerk}
dir=${BENCH_DIR:-$(mktemp -d)}
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/clients.mjs" <<JS
import { OBSWebSocket, EventSubscription } from "$PWD/ui/node_modules/obs-websocket-js/dist/msgpack.js";
const [url, mode, count, secs] = process.argv.slice(2);
const connect = async () => {
  const obs = new OBSWebSocket();
  await obs.connect(url, "bench-password", { rpcVersion: 1, eventSubscriptions: EventSubscription.All | EventSubscription.InputVolumeMeters });
  return obs;
};
const pct = (xs, p) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))].toFixed(2);
if (mode === "latency") {
  const obs = await connect();
  const version = [];
  // Paced 2 ms apart: latency, not throughput (and under the 1000 messages a second limit).
  const pause = () => new Promise((r) => setTimeout(r, 2));
  for (let i = 0; i < 500; i++) { const t = performance.now(); await obs.call("GetVersion"); version.push(performance.now() - t); await pause(); }
  // From the scene on air to another and back: every call changes the program.
  const { scenes, currentProgramSceneName: a } = await obs.call("GetSceneList");
  const b = scenes.map((s) => s.sceneName).find((n) => n !== a);
  const call = [], event = [];
  for (let i = 0; i < 100; i++) {
    const t = performance.now();
    const seen = new Promise((r) => obs.once("CurrentProgramSceneChanged", r));
    await obs.call("SetCurrentProgramScene", { sceneName: i % 2 ? a : b });
    call.push(performance.now() - t);
    await seen;
    event.push(performance.now() - t);
  }
  console.log(\`| GetVersion round trip | \${pct(version, 0.5)} | \${pct(version, 0.95)} |\`);
  console.log(\`| SetCurrentProgramScene round trip | \${pct(call, 0.5)} | \${pct(call, 0.95)} |\`);
  console.log(\`| ... until CurrentProgramSceneChanged | \${pct(event, 0.5)} | \${pct(event, 0.95)} |\`);
  await obs.disconnect();
} else {
  const clients = await Promise.all(Array.from({ length: Number(count) }, connect));
  let meters = 0;
  for (const c of clients) c.on("InputVolumeMeters", () => meters++);
  await new Promise((r) => setTimeout(r, Number(secs) * 1000));
  console.error(\`meters events received: \${meters}\`);
  await Promise.all(clients.map((c) => c.disconnect()));
}
JS
cpu() { # the studio's CPU (cores) over 10 s and its resident memory (MiB)
  local t0 t1
  t0=$(awk '{print $14+$15}' "/proc/$1/stat"); sleep 10; t1=$(awk '{print $14+$15}' "/proc/$1/stat")
  echo "$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", t / 1000 }') | $(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status")"
}
# The baseline: the remote control off.
XDG_CONFIG_HOME="$dir/config" STREAMWERK_KEYS_FILE="$dir/keys.json" \
  "$bin" serve --port 0 --scene assets/scenes/demo.json --profile "$dir/profile.json" --remote-port 0 > /dev/null 2>&1 &
off=$!
sleep 4
baseline=$(cpu "$off")
kill -INT "$off"; wait "$off" || true
STREAMWERK_REMOTE_PASSWORD=bench-password XDG_CONFIG_HOME="$dir/config" STREAMWERK_KEYS_FILE="$dir/keys.json" \
  "$bin" serve --port 0 --scene assets/scenes/demo.json --profile "$dir/profile.json" --remote-port "$port" > "$dir/log" 2>&1 &
pid=$!
sleep 4
echo "| remote clients (all events, meters included) | studio CPU (cores) | studio RSS (MiB) |"
echo "|---|---|---|"
echo "| remote control off | $baseline |"
for n in 0 1 4; do
  if [ "$n" != 0 ]; then node "$dir/clients.mjs" "ws://127.0.0.1:$port" idle "$n" 14 & client=$!; fi
  sleep 2
  echo "| $n | $(cpu "$pid") |"
  if [ "$n" != 0 ]; then wait "$client"; fi
done
echo
echo "| round trip (ms) | p50 | p95 |"
echo "|---|---|---|"
node "$dir/clients.mjs" "ws://127.0.0.1:$port" latency 0 0
