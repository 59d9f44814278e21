// The studio page: renders the state the engine pushes and turns clicks, drags and keys into
// protocol commands. The engine is the source of truth; the page keeps only what is being
// edited (selection, an unfinished drag).
import type { Align, Command, DeviceList, FileListing, Layer, LayerTransform, Meters, NoticeLevel, Platform, RecordingFormat, Scene, Source, StudioState, StudioStats, Transform } from "./protocol.gen";
import { Connection } from "./connection";
import { openCarrier, openFrames } from "./carrier";
import { startPreview, type PreviewStats } from "./preview";
import { buildStrip, mixOf, type StripView } from "./mixer";
import { HealthHistory, drawGraph } from "./health";
import { type Box, History, cropBy, hitTest, layerBox, moveAll, moveBox, resizeBox, snapLines, toggleSelection, withBox } from "./editor";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/// True while the user is in a form: renders leave what they are typing alone.
const editing = (form: string) => $(form).contains(document.activeElement);

let connection: Connection;
let state: StudioState;
let stats: StudioStats | null = null;
let preview: PreviewStats;
let devices: DeviceList | null = null;
/// The mixer's strips by source id, and the ids they were built for (null forces a rebuild;
/// "" is a scene with no sound).
let strips = new Map<string, StripView>();
let stripKey: string | null = null;
/// Scene selected in the list (edited), and the layers selected on the canvas (source ids; the
/// last is the primary, with the resize handle and the properties form).
let selectedScene = "";
let selection: string[] = [];
const history = new History<{ scene: string; before: LayerTransform[]; after: LayerTransform[] }>();

const primary = () => selection[selection.length - 1] ?? null;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

function notice(level: NoticeLevel, message: string) {
  const n = el("div", { className: `notice ${level}`, textContent: message });
  $("notices").append(n);
  setTimeout(() => n.remove(), level === "error" ? 15000 : 8000);
}

/// Sends a command; a refusal shows as a notice, not in the console. True when applied.
async function run(command: Command): Promise<boolean> {
  try {
    await connection.send(command);
    return true;
  } catch (e) {
    notice("error", (e as Error).message);
    return false;
  }
}

function scene(): Scene | undefined {
  return state.collection.scenes.find((s) => s.name === selectedScene);
}

function render() {
  if (!state.collection.scenes.some((s) => s.name === selectedScene)) selectedScene = state.program_scene;
  renderScenes();
  renderLayers();
  renderProperties();
  renderSelection();
  renderDestinations();
  renderButtons();
  renderSettings();
  renderCollection();
  stripKey = null;
}

function renderScenes() {
  const list = $("scene-list");
  list.replaceChildren(
    ...state.collection.scenes.map((s) => {
      const item = el("li", { className: s.name === state.program_scene ? "on-air" : "" });
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(s.name === selectedScene));
      const name = el("span", { className: "name", textContent: s.name, tabIndex: 0, title: "Click or Space to select; double-click or Enter to put on air" });
      name.onclick = () => { selectedScene = s.name; selection = []; render(); };
      name.ondblclick = () => run({ type: "switch_scene", scene: s.name });
      name.onkeydown = (e) => {
        if (e.key === "Enter") run({ type: "switch_scene", scene: s.name });
        else if (e.key === " ") { e.preventDefault(); name.click(); }
      };
      const cut = el("button", { textContent: "Cut", title: `Put ${s.name} on air` });
      cut.setAttribute("aria-label", `Put scene ${s.name} on air`);
      cut.onclick = () => run({ type: "switch_scene", scene: s.name }).then((ok) => { if (ok) { selectedScene = s.name; render(); } });
      item.append(name, cut);
      return item;
    }),
  );
  $("on-air").textContent = `On air: ${state.program_scene}`;
}

function sourceLabel(id: string) {
  const s = state.collection.sources.find((x) => x.id === id);
  return s?.name || id;
}

/// The selected layer's source settings, editable where the kind has any.
function renderProperties() {
  const form = $("properties") as HTMLFormElement;
  const source = state.collection.sources.find((s) => s.id === primary());
  const kind = source?.kind;
  form.hidden = !(kind === "text" || kind === "color" || kind === "image");
  if (form.hidden || !source) return;
  for (const label of form.querySelectorAll<HTMLElement>("label, button.browse")) {
    label.hidden = !label.classList.contains(`prop-${kind}`);
  }
  const input = (id: string) => $(id) as HTMLInputElement;
  if (editing("properties")) return;
  if (source.kind === "text") {
    const t = source.settings;
    input("prop-text").value = t.text;
    input("prop-size").value = String(t.size);
    input("prop-color").value = t.color.slice(0, 7);
    input("prop-font").value = t.font ?? "";
    input("prop-bold").checked = t.bold;
    input("prop-align").value = t.align;
    input("prop-outline").checked = t.outline !== null;
    if (t.outline) {
      input("prop-outline-width").value = String(t.outline.width);
      input("prop-outline-color").value = t.outline.color.slice(0, 7);
    }
    input("prop-background").checked = t.background !== null;
    if (t.background) {
      input("prop-background-color").value = t.background.color.slice(0, 7);
      input("prop-padding").value = String(t.background.padding);
    }
  } else if (source.kind === "color") {
    input("prop-color").value = source.settings.color.slice(0, 7);
  } else if (source.kind === "image") {
    input("prop-path").value = source.settings.path;
  }
}

function applyProperties() {
  const source = state.collection.sources.find((s) => s.id === primary());
  if (!source) return;
  const value = (id: string) => ($(id) as HTMLInputElement).value;
  const checked = (id: string) => ($(id) as HTMLInputElement).checked;
  let changed: Source;
  if (source.kind === "text") {
    changed = {
      ...source,
      settings: {
        ...source.settings,
        text: value("prop-text"),
        size: Number(value("prop-size")),
        color: value("prop-color"),
        font: value("prop-font").trim() || null,
        bold: checked("prop-bold"),
        align: value("prop-align") as Align,
        outline: checked("prop-outline") ? { width: Number(value("prop-outline-width")), color: value("prop-outline-color") } : null,
        background: checked("prop-background") ? { color: value("prop-background-color"), padding: Number(value("prop-padding")) } : null,
      },
    };
  } else if (source.kind === "color") {
    changed = { ...source, settings: { ...source.settings, color: value("prop-color") } };
  } else if (source.kind === "image") {
    changed = { ...source, settings: { ...source.settings, path: value("prop-path") } };
  } else {
    return;
  }
  run({ type: "update_source", source: changed });
}

function renderLayers() {
  const layers = scene()?.layers ?? [];
  $("layer-list").replaceChildren(
    ...[...layers].reverse().map((layer, reversed) => {
      const index = layers.length - 1 - reversed;
      const item = el("li", { className: selection.includes(layer.source) ? "selected" : "" });
      const name = el("span", { className: "name", textContent: sourceLabel(layer.source), tabIndex: 0, title: "Click to select; Shift+click adds to the selection" });
      const select = (add: boolean) => {
        selection = add ? toggleSelection(selection, layer.source) : [layer.source];
        render();
      };
      name.onclick = (e) => select(e.shiftKey || e.ctrlKey || e.metaKey);
      name.onkeydown = (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(e.shiftKey); } };
      const button = (text: string, label: string, command: Command) => {
        const b = el("button", { textContent: text, title: label });
        b.setAttribute("aria-label", `${label}: ${sourceLabel(layer.source)}`);
        b.onclick = () => run(command);
        return b;
      };
      const where = { scene: selectedScene, source: layer.source };
      item.append(
        name,
        button(layer.visible ? "Hide" : "Show", layer.visible ? "Hide" : "Show", { type: "set_layer_visible", ...where, visible: !layer.visible }),
        button(layer.locked ? "Unlock" : "Lock", layer.locked ? "Unlock" : "Lock", { type: "set_layer_locked", ...where, locked: !layer.locked }),
        button("▲", "Move up", { type: "move_layer", ...where, index: index + 1 }),
        button("▼", "Move down", { type: "move_layer", ...where, index: Math.max(0, index - 1) }),
        button("✕", "Remove", { type: "remove_layer", ...where }),
      );
      return item;
    }),
  );
}

/// Canvas pixels per CSS pixel of the overlay.
function scale() {
  const rect = $("overlay").getBoundingClientRect();
  return state.collection.canvas.width / rect.width;
}

function selected(): Layer | undefined {
  return scene()?.layers.find((l) => l.source === primary());
}

/// Frames around the selected layers (at `boxes` while a gesture moves them); the primary one
/// has the resize handle.
function renderSelection(boxes?: Map<string, Box>) {
  const overlay = $("overlay");
  overlay.replaceChildren();
  const k = 1 / scale();
  for (const layer of scene()?.layers ?? []) {
    if (!selection.includes(layer.source)) continue;
    const b = boxes?.get(layer.source) ?? layerBox(layer, state);
    if (!b) continue;
    const frame = el("div", { className: "selection" });
    if (layer.source === primary()) frame.append(el("div", { className: "handle" }));
    frame.dataset.source = layer.source;
    Object.assign(frame.style, { left: `${b.x * k}px`, top: `${b.y * k}px`, width: `${b.w * k}px`, height: `${b.h * k}px` });
    overlay.append(frame);
  }
}

/// One undoable edit of layer transforms.
function transformLayers(scene: string, before: LayerTransform[], after: LayerTransform[]) {
  if (after.length === 0) return;
  history.push({ scene, before: before.filter((b) => after.some((a) => a.source === b.source)), after });
  run({ type: "set_transforms", scene, layers: after });
}

function setupEditor() {
  const overlay = $("overlay");
  overlay.onpointerdown = (e) => {
    const s = scene();
    if (!s) return;
    const k = scale();
    const rect = overlay.getBoundingClientRect();
    const x = (e.clientX - rect.left) * k;
    const y = (e.clientY - rect.top) * k;
    const current = selected();
    const currentBox = current ? layerBox(current, state) : null;
    const onHandle = currentBox && Math.abs(x - (currentBox.x + currentBox.w)) < 12 * k && Math.abs(y - (currentBox.y + currentBox.h)) < 12 * k;
    const layer = onHandle ? current! : hitTest(s.layers, state, x, y);
    if (e.shiftKey && !onHandle) {
      // Shift+click adds to the selection or takes out; no drag.
      if (layer) selection = toggleSelection(selection, layer.source);
      render();
      return;
    }
    if (!layer) selection = [];
    else if (!selection.includes(layer.source)) selection = [layer.source];
    else selection = [...selection.filter((id) => id !== layer.source), layer.source];
    render();
    if (!layer || layer.locked) return;
    const start = layerBox(layer, state);
    if (!start) return;
    overlay.setPointerCapture(e.pointerId);
    const before = layer.transform;
    const group = s.layers.filter((l) => selection.includes(l.source));
    const beforeAll = group.map((l) => ({ source: l.source, transform: l.transform }));
    const lines = snapLines(state.collection.canvas.width, state.collection.canvas.height);
    let box = start;
    let sent = 0;
    const natural = state.source_sizes.find((n) => n.id === layer.source);
    let cropped: Transform | null = null;
    // Resizing and cropping change the grabbed layer; moving moves the whole selection.
    const changes = (): LayerTransform[] =>
      cropped || onHandle
        ? [{ source: layer.source, transform: cropped ?? withBox(before, box, true) }]
        : moveAll(s.layers, selection, box.x - start.x, box.y - start.y);
    // While dragging, at most 20 edits a second; the last one goes with the undo entry.
    const preview = () => {
      const now = performance.now();
      if (now - sent > 50) {
        sent = now;
        run({ type: "set_transforms", scene: s.name, layers: changes() });
      }
    };
    overlay.onpointermove = (m) => {
      const dx = (m.clientX - e.clientX) * k;
      const dy = (m.clientY - e.clientY) * k;
      if (m.altKey && natural) {
        // Alt-drag crops the right and bottom edges.
        cropped = cropBy(before, natural, start, dx, dy);
        box = layerBox({ ...layer, transform: cropped }, state) ?? start;
      } else {
        cropped = null;
        box = onHandle ? resizeBox(start, dx, dy, m.shiftKey) : moveBox(start, dx, dy, m.ctrlKey ? { xs: [], ys: [] } : lines);
      }
      const boxes = new Map<string, Box>([[layer.source, box]]);
      if (!cropped && !onHandle) {
        for (const l of group) {
          const b = layerBox(l, state);
          if (b && l !== layer && !l.locked) boxes.set(l.source, { ...b, x: b.x + box.x - start.x, y: b.y + box.y - start.y });
        }
      }
      renderSelection(boxes);
      preview();
    };
    overlay.onpointerup = () => {
      overlay.onpointermove = null;
      overlay.onpointerup = null;
      if (box !== start || cropped) transformLayers(s.name, beforeAll, changes());
    };
  };
  overlay.onkeydown = (e) => {
    const s = scene();
    if (!s) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "a") {
      e.preventDefault();
      selection = s.layers.filter((l) => l.visible).map((l) => l.source);
      render();
      return;
    }
    if (e.key === "Escape") {
      selection = [];
      render();
      return;
    }
    if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      const doomed = selection;
      selection = [];
      for (const source of doomed) run({ type: "remove_layer", scene: s.name, source });
      return;
    }
    const step = e.shiftKey ? 10 : 1;
    const delta: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const d = delta[e.key];
    if (!d || selection.length === 0) return;
    e.preventDefault();
    const before = s.layers.filter((l) => selection.includes(l.source)).map((l) => ({ source: l.source, transform: l.transform }));
    transformLayers(s.name, before, moveAll(s.layers, selection, d[0], d[1]));
  };
}

/** Each destination's recent bitrate and drops, for the graphs beside them. */
const health = new HealthHistory();

function renderDestinations() {
  const sinks = stats?.session?.sinks ?? [];
  const streamKbps = stats?.session?.bitrate_kbps ?? 0;
  $("destination-list").replaceChildren(
    ...state.profile.destinations.map((d) => {
      const live = state.live.includes(d.name);
      const sink = sinks.find((s) => s.name.startsWith(`${d.name} (`));
      const st = sink?.destination?.state;
      const label = st ? st.state : live ? "connecting" : d.enabled ? "ready" : "disabled";
      const detail = sink && st
        ? ` · ${sink.bitrate_kbps.toFixed(0)} kbps · ${sink.dropped} dropped · up ${sink.destination!.uptime_s.toFixed(0)} s · ${sink.destination!.reconnects} reconnects`
        : "";
      const error = st && "error" in st ? ` · ${st.error}` : "";
      const item = el("li", { className: "destination" },
        el("strong", { textContent: `${d.name} (${d.platform})` }),
        el("span", { className: `state ${label}`, textContent: label + detail + error }),
      );
      if (sink) {
        item.append(drawGraph(health.samples(sink.name), streamKbps));
        if (sink.uplink) item.append(el("span", { className: "uplink", textContent: sink.uplink }));
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

function renderButtons() {
  const live = $("go-live");
  live.textContent = state.live.length ? "Stop streaming" : "Go Live";
  live.classList.toggle("active", state.live.length > 0);
  const record = $("record");
  const elapsed = stats?.session?.elapsed_s;
  record.textContent = state.recording ? `Stop recording${elapsed ? ` ${clock(elapsed)}` : ""}` : "Record";
  record.title = state.recording ? `Recording to ${state.recording}` : "Start recording (Ctrl+R)";
  record.classList.toggle("active", state.recording !== null);
}

function clock(seconds: number) {
  const s = Math.floor(seconds);
  return `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function renderStatus() {
  const s = stats;
  const parts = [`CPU ${s ? s.cpu_percent.toFixed(0) : "–"}%`, `program ${s ? s.render_fps.toFixed(1) : "–"} fps`,
    `preview ${preview.fps.toFixed(1)} fps, ${preview.delayMs.toFixed(0)} ms behind`, `lagged ${s?.frames_lagged ?? 0}`];
  if (s?.session) {
    parts.push(`encoding ${s.session.fps.toFixed(1)} fps`, `${s.session.bitrate_kbps.toFixed(0)} kbps`, `skipped ${s.session.frames_skipped}`,
      `dropped ${s.session.sinks.reduce((n, x) => n + x.dropped, 0)}`);
  }
  if (state.recording) parts.push(`recording ${state.recording}`);
  $("status-bar").textContent = parts.join(" · ");
}

function setValue(id: string, value: string) {
  const input = $(id) as HTMLInputElement | HTMLSelectElement;
  if (input instanceof HTMLSelectElement && ![...input.options].some((o) => o.value === value)) {
    input.append(el("option", { value, textContent: value }));
  }
  input.value = value;
}

function renderSettings() {
  const { canvas } = state.collection;
  // The stage takes the canvas's shape (vertical and square shows too), at most 70% of the
  // window's height.
  const stage = $("stage-box");
  stage.style.aspectRatio = `${canvas.width} / ${canvas.height}`;
  stage.style.width = `min(100%, calc(70vh * ${canvas.width} / ${canvas.height}))`;
  const { video, audio, recording } = state.profile;
  if (!editing("canvas-form")) {
    setValue("set-canvas-size", `${canvas.width}x${canvas.height}`);
    setValue("set-fps", String(canvas.fps));
  }
  if (!editing("output-form")) {
    setValue("set-preset", video.preset);
    setValue("set-bitrate", String(video.bitrate_kbps));
    setValue("set-keyframe", String(video.keyframe_interval_s));
    setValue("set-audio-bitrate", String(audio.bitrate_kbps));
    setValue("set-format", recording.format);
    setValue("set-folder", recording.folder);
  }
  // The encoder and canvas are fixed while a session runs.
  const busy = state.live.length > 0 || state.recording !== null;
  for (const id of ["set-canvas-size", "set-fps", "set-preset", "set-bitrate", "set-keyframe", "set-audio-bitrate"]) {
    ($(id) as HTMLInputElement).disabled = busy;
  }
}

function renderCollection() {
  $("collection-name").textContent = state.collection.name;
  $("collection-name").title = state.collection_path;
  $("collection-files").replaceChildren(...state.collections.map((path) => el("option", { value: path })));
}

/// The file picker: lists a folder of the machine the engine runs on (so it works the same in a
/// browser and in the window) and writes the chosen file's path into `target`.
const picker = { target: "", parent: null as string | null };

function browse(target: string) {
  picker.target = target;
  const current = ($(target) as HTMLInputElement).value.trim();
  // Start where the typed path points, else beside the collection.
  const folder = current ? (current.endsWith("/") ? current : current.slice(0, current.lastIndexOf("/") + 1) || null) : null;
  run({ type: "list_files", folder }).then((ok) => { if (ok) ($("file-picker") as HTMLDialogElement).showModal(); });
}

function renderFiles(listing: FileListing) {
  picker.parent = listing.parent;
  $("file-picker-folder").textContent = listing.folder;
  ($("file-picker-up") as HTMLButtonElement).disabled = listing.parent === null;
  $("file-picker-list").replaceChildren(
    ...listing.entries.map((entry) => {
      const pick = el("button", { type: "button", className: entry.folder ? "folder" : "file", textContent: entry.folder ? `${entry.name}/` : entry.name });
      pick.onclick = () => {
        if (entry.folder) {
          run({ type: "list_files", folder: entry.path });
        } else {
          ($(picker.target) as HTMLInputElement).value = entry.path;
          ($("file-picker") as HTMLDialogElement).close();
        }
      };
      return el("li", {}, pick);
    }),
  );
  if (listing.entries.length === 0) $("file-picker-list").append(el("li", { className: "hint", textContent: "No folders or media files here." }));
}

function renderDevices() {
  const option = (value: string, text: string) => el("option", { value, textContent: text });
  const mics = devices?.audio_inputs ?? [];
  $("source-mic").replaceChildren(
    option("", "Default input"),
    ...mics.map((m) => option(m.id, `${m.name}${m.is_default ? " (default)" : ""}`)),
  );
  const cameras = devices?.cameras ?? [];
  $("source-camera").replaceChildren(...cameras.map((c) => option(String(c.index), c.name)));
  $("no-camera").hidden = !(devices && cameras.length === 0 && ($("source-kind") as HTMLSelectElement).value === "camera");
}

/// Meters 20 times a second: the strips are rebuilt only when the sources or their mix change.
function renderMixer(meters: Meters) {
  const key = meters.sources.map((m) => m.source).join("\n");
  if (key !== stripKey) {
    stripKey = key;
    strips = new Map();
    const views = meters.sources.map((m) => {
      const source = state.collection.sources.find((s) => s.id === m.source);
      const view = buildStrip(m.source, sourceLabel(m.source), mixOf(source), (mix) => run({ type: "set_audio_mix", source: m.source, mix }));
      strips.set(m.source, view);
      return view.root;
    });
    const master = buildStrip("master", "Master", mixOf(undefined), null);
    strips.set("master", master);
    $("strips").replaceChildren(...views, master.root);
  }
  for (const m of meters.sources) strips.get(m.source)?.update(m, m.state);
  strips.get("master")?.update(meters.master, "live");
}

function newSource(): Source {
  const id = ($("source-id") as HTMLInputElement).value.trim();
  const kind = ($("source-kind") as HTMLSelectElement).value;
  const color = ($("source-color") as HTMLInputElement).value;
  switch (kind) {
    case "text":
      return {
        id,
        kind: "text",
        settings: {
          text: ($("source-text") as HTMLInputElement).value,
          font: null,
          size: Number(($("source-size") as HTMLInputElement).value),
          color,
          bold: false,
          align: "left",
          wrap_width: null,
          outline: null,
          background: null,
        },
      };
    case "color":
      return { id, kind: "color", settings: { color, width: 320, height: 180 } };
    case "image":
      return { id, kind: "image", settings: { path: ($("source-path") as HTMLInputElement).value } };
    case "tone":
      return { id, kind: "tone", settings: { frequency_hz: 440, level_dbfs: -20, beep_each_second: false } };
    case "microphone":
      return { id, kind: "microphone", settings: { device: ($("source-mic") as HTMLSelectElement).value || null } };
    case "media_file":
      return { id, kind: "media_file", settings: { path: ($("source-path") as HTMLInputElement).value, looping: ($("source-loop") as HTMLInputElement).checked, start_s: 0 } };
    case "camera":
      return { id, kind: "camera", settings: { device: ($("source-camera") as HTMLSelectElement).value || null, width: null, height: null, fps: null, format: null } };
    default:
      return { id, kind: "test_pattern", settings: { width: null, height: null, flash_each_second: false } };
  }
}

function setupForms() {
  $("add-scene").onsubmit = (e) => {
    e.preventDefault();
    const input = $("new-scene-name") as HTMLInputElement;
    run({ type: "add_scene", name: input.value.trim() }).then((ok) => { if (ok) { selectedScene = input.value.trim(); input.value = ""; render(); } });
  };
  $("scene-rename").onclick = () => {
    const name = prompt("New name for the scene", selectedScene);
    if (name) run({ type: "rename_scene", scene: selectedScene, name }).then((ok) => { if (ok) { selectedScene = name; render(); } });
  };
  $("scene-duplicate").onclick = () => run({ type: "duplicate_scene", scene: selectedScene, name: `${selectedScene} copy` });
  $("scene-remove").onclick = () => run({ type: "remove_scene", scene: selectedScene });
  const move = (delta: number) => {
    const index = state.collection.scenes.findIndex((s) => s.name === selectedScene);
    run({ type: "move_scene", scene: selectedScene, index: Math.max(0, index + delta) });
  };
  $("scene-up").onclick = () => move(-1);
  $("scene-down").onclick = () => move(1);

  const kind = $("source-kind") as HTMLSelectElement;
  const showFields = () => {
    for (const label of document.querySelectorAll<HTMLElement>("#add-source label[class], #add-source button.browse")) {
      label.hidden = !label.classList.contains(`for-${kind.value.replace("_", "-")}`);
    }
  };
  kind.onchange = () => {
    showFields();
    if (kind.value === "microphone" || kind.value === "camera") run({ type: "list_devices" });
    renderDevices();
  };
  showFields();
  $("properties").onsubmit = (e) => {
    e.preventDefault();
    applyProperties();
  };
  $("add-source").onsubmit = (e) => {
    e.preventDefault();
    const source = newSource();
    const transform: Transform = { x: 100, y: 100, width: null, height: null, crop: { left: 0, top: 0, right: 0, bottom: 0 }, rotation: 0, opacity: 1 };
    run({ type: "add_source", scene: selectedScene, source, transform }).then((ok) => { if (ok) { selection = [source.id]; render(); } });
  };

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
        key: key || state.stored_keys.includes(keyName) ? keyName : null,
        enabled: ($("dest-enabled") as HTMLInputElement).checked,
      },
    });
  };

  $("canvas-form").onsubmit = (e) => {
    e.preventDefault();
    const [width, height] = ($("set-canvas-size") as HTMLSelectElement).value.split("x").map(Number);
    const fps = Number(($("set-fps") as HTMLSelectElement).value);
    run({ type: "set_canvas", canvas: { ...state.collection.canvas, width, height, fps } }).then((ok) => {
      if (ok) notice("info", `Canvas ${width}x${height} at ${fps} fps`);
    });
  };
  $("output-form").onsubmit = (e) => {
    e.preventDefault();
    const value = (id: string) => ($(id) as HTMLInputElement).value.trim();
    const { video, audio, recording } = state.profile;
    run({
      type: "set_output_settings",
      video: { ...video, preset: value("set-preset"), bitrate_kbps: Number(value("set-bitrate")), keyframe_interval_s: Number(value("set-keyframe")) },
      audio: { ...audio, bitrate_kbps: Number(value("set-audio-bitrate")) },
      recording: { ...recording, format: value("set-format") as RecordingFormat, folder: value("set-folder") },
    }).then((ok) => { if (ok) notice("info", "Output settings saved"); });
  };
  $("collection-form").onsubmit = (e) => {
    e.preventDefault();
    const path = ($("collection-path") as HTMLInputElement).value.trim();
    if (path) run({ type: "open_collection", path }).then((ok) => { if (ok) { selection = []; history.clear(); } });
  };
  $("collection-save-as").onclick = () => {
    const path = ($("collection-path") as HTMLInputElement).value.trim();
    if (!path) return notice("error", "Type a file name for the copy, such as my-show.json");
    run({ type: "save_collection_as", path }).then((ok) => { if (ok) notice("info", `Saved as ${state.collection_path}; edits now go there`); });
  };

  for (const button of document.querySelectorAll<HTMLButtonElement>("button.browse")) {
    button.onclick = () => browse(button.dataset.for!);
  }
  $("file-picker-up").onclick = () => { if (picker.parent) run({ type: "list_files", folder: picker.parent }); };
  $("file-picker-cancel").onclick = () => ($("file-picker") as HTMLDialogElement).close();

  $("go-live").onclick = () => run({ type: state.live.length ? "stop_live" : "go_live" });
  $("record").onclick = () => run({ type: state.recording ? "stop_recording" : "start_recording" });
}

function setupShortcuts() {
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey)) return;
    const undoing = e.key.toLowerCase() === "z";
    if (undoing) {
      e.preventDefault();
      const entry = e.shiftKey ? history.redo() : history.undo();
      if (entry) run({ type: "set_transforms", scene: entry.scene, layers: e.shiftKey ? entry.after : entry.before });
    } else if (e.key.toLowerCase() === "l") {
      e.preventDefault();
      $("go-live").click();
    } else if (e.key.toLowerCase() === "r") {
      e.preventDefault();
      $("record").click();
    } else if (/^[1-9]$/.test(e.key)) {
      const s = state.collection.scenes[Number(e.key) - 1];
      if (s) {
        e.preventDefault();
        run({ type: "switch_scene", scene: s.name });
      }
    }
  });
}

async function main() {
  try {
    connection = await Connection.open(await openCarrier(), {
      state: (s) => { state = s; render(); },
      stats: (s) => {
        stats = s;
        if (s.session) health.add(s.session.elapsed_s, s.session.sinks);
        else health.clear();
        renderDestinations(); renderButtons(); renderStatus();
      },
      notice,
      meters: renderMixer,
      devices: (d) => { devices = d; renderDevices(); },
      files: renderFiles,
      closed: (reason) => notice("error", reason),
    });
  } catch (e) {
    notice("error", (e as Error).message);
    return;
  }
  preview = startPreview(openFrames(), $("preview") as HTMLCanvasElement);
  setupEditor();
  setupForms();
  setupShortcuts();
  window.addEventListener("resize", () => renderSelection());
  // For tests and the curious: the page's live view of the studio.
  Object.assign(window, { streamwerk: { get state() { return state; }, get preview() { return preview; }, get devices() { return devices; } } });
  run({ type: "list_devices" });
}

main();
