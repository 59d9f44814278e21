// Destinations (state, bitrate and drops graph, uplink warning), the Go Live and Record buttons,
// and the status bar.
import type { Platform } from "./protocol.gen";
import { HealthHistory, drawGraph } from "./health";
import { onAir, wentLiveAt } from "./on-air.svelte";
import { plain } from "./words";
import { $, editing, el, run, store } from "./store";
import { canvasNames } from "./canvases-panel";
import { openGoLive } from "./go-live.svelte";


/** Each destination's recent bitrate and drops, for the graphs beside them. */
export const health = new HealthHistory();

export function renderDestinations() {
  const sinks = store.stats?.session?.sinks ?? [];
  const canvases = store.stats?.session?.canvases ?? [];
  const audioKbps = canvases.length ? Math.max(0, (store.stats?.session?.bitrate_kbps ?? 0) - canvases.reduce((n, c) => n + c.bitrate_kbps, 0)) : 0;
  const several = canvasNames().length > 1;
  const select = $("dest-canvas") as HTMLSelectElement;
  if (!editing("add-destination")) {
    select.replaceChildren(el("option", { value: "", textContent: "By platform" }), ...canvasNames().map((n) => el("option", { value: n, textContent: n })));
  }
  const destinations = store.state.profile.destinations;
  $("destination-list").replaceChildren(
    ...(destinations.length ? [] : [el("li", { className: "empty", textContent: "Add your first destination below: pick the platform and paste its stream key." })]),
    ...destinations.map((d) => {
      // As the engine decides: its own canvas, else its platform's default.
      const canvas = store.state.destination_canvases[d.name] ?? "main";
      const streamKbps = (canvases.find((c) => c.name === canvas)?.bitrate_kbps ?? store.stats?.session?.bitrate_kbps ?? 0) + audioKbps;
      const live = store.state.live.includes(d.name);
      const sink = sinks.find((s) => s.name.startsWith(`${d.name} (`));
      const st = sink?.destination?.state;
      const label = st ? st.state : live ? "connecting" : d.enabled ? "ready" : "disabled";
      const detail = sink && st
        ? ` · ${sink.bitrate_kbps.toFixed(0)} kbps · ${sink.dropped} dropped · up ${sink.destination!.uptime_s.toFixed(0)} s · ${sink.destination!.reconnects} reconnects`
        : "";
      const error = st && "error" in st ? ` · ${plain(st.error)}` : "";
      const item = el("li", { className: "destination" },
        el("strong", { textContent: `${d.name} (${d.platform}${several ? ` · ${canvas}` : ""})` }),
        el("span", { className: `state ${label}`, textContent: label + detail + error }),
      );
      if (sink) {
        item.append(drawGraph(health.samples(sink.name), streamKbps));
        if (sink.uplink) item.append(el("span", { className: "uplink", textContent: plain(sink.uplink) }));
      }
      item.dataset.destination = d.name;
      if (live) {
        const again = el("button", { textContent: "Reconnect now" });
        again.setAttribute("aria-label", `Reconnect ${d.name} now`);
        again.onclick = () => run({ type: "reconnect_destination", name: d.name });
        item.append(again);
      } else {
        const toggle = el("button", { textContent: d.enabled ? "Disable" : "Enable" });
        toggle.setAttribute("aria-label", `${d.enabled ? "Disable" : "Enable"} destination ${d.name}`);
        toggle.onclick = () => run({ type: "set_destination", destination: { ...d, enabled: !d.enabled } });
        const remove = el("button", { textContent: "Remove" });
        remove.setAttribute("aria-label", `Remove destination ${d.name}`);
        remove.onclick = () => run({ type: "remove_destination", name: d.name });
        item.append(toggle, remove);
      }
      return item;
    }),
  );
}

/// When the destinations stop after a "stop after the delay" (page clock), for the countdown.
let liveEndsAt: number | null = null;

export function renderButtons() {
  const delay = store.state.profile.stream_delay_s;
  if (store.state.live_ends_in_s !== null) liveEndsAt ??= Date.now() + store.state.live_ends_in_s * 1000;
  else liveEndsAt = null;
  const left = (at: number) => Math.max(0, Math.ceil((at - Date.now()) / 1000));
  const liveSince = wentLiveAt();
  const firstAirs = liveSince !== null ? liveSince + delay * 1000 : 0;
  const note = !store.state.live.length ? (delay ? `delay ${delay} s` : "")
    : liveEndsAt !== null ? `ending for viewers in ${left(liveEndsAt)} s`
    : delay && firstAirs > Date.now() ? `viewers get the first second in ${left(firstAirs)} s`
    : delay ? `viewers are ${delay} s behind` : "";
  $("delay-note").textContent = note;
  const live = $("go-live");
  live.textContent = store.state.live.length ? "Stop streaming" : "Go Live";
  live.classList.toggle("active", store.state.live.length > 0);
  const record = $("record");
  // The recording's own time (a session may have been live for long before it began).
  record.textContent = store.state.recording ? `Stop recording ${onAir.recordingFor}`.trim() : "Record";
  record.title = store.state.recording ? `Recording to ${store.state.recording}` : "Start recording (Ctrl+R)";
  record.classList.toggle("active", store.state.recording !== null);
  ($("marker") as HTMLButtonElement).disabled = store.state.recording === null;
  const replay = $("replay");
  replay.textContent = store.state.replay_buffer ? "Stop replay buffer" : "Replay buffer";
  replay.classList.toggle("active", store.state.replay_buffer);
  ($("save-replay") as HTMLButtonElement).disabled = !store.state.replay_buffer;
}


/// Lagged and skipped frames at the last status, and when they last grew.
let lastBehind = 0;
let behindAt = 0;

export function renderStatus() {
  const s = store.stats;
  const parts = [`CPU ${s ? s.cpu_percent.toFixed(0) : "–"}%`, `program ${s ? s.render_fps.toFixed(1) : "–"} fps`,
    `preview ${store.preview.fps.toFixed(1)} fps, ${store.preview.delayMs.toFixed(0)} ms behind`, `lagged ${s?.frames_lagged ?? 0}`];
  if (s?.session) {
    const canvases = s.session.canvases ?? [];
    if (canvases.length > 1) {
      // One encode per canvas: each its own frame rate and bitrate.
      for (const c of canvases) parts.push(`${c.name} ${c.fps.toFixed(1)} fps ${c.bitrate_kbps.toFixed(0)} kbps skipped ${c.frames_skipped}`);
    } else {
      parts.push(`encoding ${s.session.fps.toFixed(1)} fps`, `${s.session.bitrate_kbps.toFixed(0)} kbps`, `skipped ${s.session.frames_skipped}`);
    }
    parts.push(`dropped ${s.session.sinks.reduce((n, x) => n + x.dropped, 0)}`);
    // Frames lagged or skipped in the last 10 s: the machine cannot keep up with the work.
    const behind = s.frames_lagged + s.session.frames_skipped + canvases.reduce((n, c) => n + c.frames_skipped, 0);
    if (behind > lastBehind) behindAt = Date.now();
    lastBehind = behind;
    if (Date.now() - behindAt < 10_000) {
      parts.push(canvases.length > 1
        ? "cannot keep up: use a faster encoder preset, a lower frame rate, or fewer canvases"
        : "cannot keep up: use a faster encoder preset or a smaller canvas");
    }
  }
  if (store.state.recording) parts.push(`recording ${store.state.recording}`);
  $("status-bar").textContent = parts.join(" · ");
}

/// The add-destination form and the Go Live and Record buttons.
export function setupDestinations() {
  $("add-destination").onsubmit = async (e) => {
    e.preventDefault();
    const value = (id: string) => ($(id) as HTMLInputElement).value.trim();
    const name = value("dest-name");
    const key = value("dest-key");
    const keyName = name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
    if (key && !(await run({ type: "set_stream_key", name: keyName, key }))) return;
    ($("dest-key") as HTMLInputElement).value = "";
    await run({
      type: "set_destination",
      destination: {
        name,
        platform: value("dest-platform") as Platform,
        server: value("dest-server") || null,
        key: key || store.state.stored_keys.includes(keyName) ? keyName : null,
        enabled: ($("dest-enabled") as HTMLInputElement).checked,
        key_per_broadcast: ($("dest-per-broadcast") as HTMLInputElement).checked,
        canvas: value("dest-canvas") || null,
      },
    });
  };
  // Platforms whose keys last one broadcast start with the box ticked.
  $("dest-platform").onchange = () => {
    ($("dest-per-broadcast") as HTMLInputElement).checked = ["instagram", "tiktok", "linkedin"].includes(($("dest-platform") as HTMLSelectElement).value);
  };

  const stopDialog = $("stop-dialog") as HTMLDialogElement;
  // Ending a broadcast cannot be taken back: Stop always asks (Panic never does).
  $("go-live").onclick = () => {
    const live = store.state.live.length;
    if (!live) return openGoLive();
    const delay = store.state.profile.stream_delay_s;
    $("stop-dialog-title").textContent = `End the broadcast on ${live} destination${live === 1 ? "" : "s"}?`;
    $("stop-dialog-text").textContent = delay
      ? `Viewers are ${delay} s behind. After the delay they see the end; stopping now throws the last ${delay} s away.`
      : "Viewers see the stream end now.";
    $("stop-after-delay").hidden = !delay;
    $("stop-now").textContent = delay ? "Stop now" : "End broadcast";
    stopDialog.showModal();
  };
  $("stop-after-delay").onclick = () => { stopDialog.close(); run({ type: "stop_live_after_delay" }); };
  $("stop-now").onclick = () => { stopDialog.close(); run({ type: "stop_live" }); };
  $("stop-cancel").onclick = () => stopDialog.close();
  $("marker").onclick = () => run({ type: "add_marker", title: null });
  $("replay").onclick = () => run({ type: store.state.replay_buffer ? "stop_replay_buffer" : "start_replay_buffer" });
  $("save-replay").onclick = () => run({ type: "save_replay" });
  $("record").onclick = () => run({ type: store.state.recording ? "stop_recording" : "start_recording" });
}
