// Settings, a dialog opened from the header: the quality in plain words first (the canvas and
// the encoder's terms under Advanced), recording, replay and delay, hotkeys, the open
// collection and Import from OBS; and the file picker.
import type { FileListing, RecordingFormat } from "./protocol.gen";
import { $, editing, el, history, notice, run, store } from "./store";
import { canvasNames } from "./canvases-panel";
import { iconOf } from "./icons";
import { Settings, X } from "lucide";

/// The Quality choices by canvas size, each at 30 fps with the video bitrate platforms
/// recommend for it (YouTube's 720p30 and 1080p30 ranges, inside Twitch's 6000 kbps cap).
const QUALITIES: Record<string, { width: number; height: number; kbps: number }> = {
  "1280x720": { width: 1280, height: 720, kbps: 4500 },
  "1920x1080": { width: 1920, height: 1080, kbps: 6000 },
  "1080x1920": { width: 1080, height: 1920, kbps: 6000 },
};

/// Which Quality the canvas matches ("custom" for any other size or frame rate).
function qualityOf(width: number, height: number, fps: number) {
  const key = `${width}x${height}`;
  return fps === 30 && key in QUALITIES ? key : "custom";
}

/// Applies a Quality: the canvas (the layout scales with it) and then the bitrate that suits it.
async function applyQuality(key: string) {
  const q = QUALITIES[key];
  const { canvas } = store.state.collection;
  if (!(await run({ type: "set_canvas", canvas: { ...canvas, width: q.width, height: q.height, fps: 30 } }))) return renderSettings();
  const { video, audio, recording } = store.state.profile;
  if (video.bitrate_kbps !== q.kbps) await run({ type: "set_output_settings", video: { ...video, bitrate_kbps: q.kbps }, audio, recording });
}

export function setValue(id: string, value: string) {
  const input = $(id) as HTMLInputElement | HTMLSelectElement;
  if (input instanceof HTMLSelectElement && ![...input.options].some((o) => o.value === value)) {
    input.append(el("option", { value, textContent: value }));
  }
  input.value = value;
}

export function renderSettings() {
  renderGuestNetwork();
  const { canvas } = store.state.collection;
  const { video, audio, recording } = store.state.profile;
  if (!editing("canvas-form")) {
    setValue("set-canvas-size", `${canvas.width}x${canvas.height}`);
    setValue("set-canvas-width", String(canvas.width));
    setValue("set-canvas-height", String(canvas.height));
    setValue("set-fps", String(canvas.fps));
    $("custom-canvas").hidden = true;
  }
  if (!editing("output-form")) {
    setValue("set-preset", video.preset);
    setValue("set-bitrate", String(video.bitrate_kbps));
    setValue("set-keyframe", String(video.keyframe_interval_s));
    setValue("set-audio-bitrate", String(audio.bitrate_kbps));
    setValue("set-format", recording.format);
    setValue("set-folder", recording.folder);
    ($("set-as-aired") as HTMLInputElement).checked = recording.as_aired;
    // Which canvases a recording writes (one file each); none ticked means main.
    const recorded = recording.canvases?.length ? recording.canvases : ["main"];
    $("set-record-canvases").replaceChildren(
      el("legend", { textContent: "Record canvases" }),
      ...canvasNames().map((name) => {
        const box = document.createElement("input");
        Object.assign(box, { type: "checkbox", checked: recorded.includes(name), value: name });
        return el("label", {}, box, ` ${name}`);
      }),
    );
    setValue("set-delay", String(store.state.profile.stream_delay_s));
    setValue("set-replay", String(store.state.profile.replay_buffer_s));
  }
  // The encoder and canvas are fixed while a session runs.
  const busy = store.state.live.length > 0 || store.state.recording !== null;
  const quality = qualityOf(canvas.width, canvas.height, canvas.fps);
  for (const radio of document.querySelectorAll<HTMLInputElement>("#quality input")) {
    radio.checked = radio.value === quality;
    radio.disabled = busy || radio.value === "custom";
  }
  $("quality-busy").hidden = !busy;
  for (const id of ["set-canvas-size", "set-fps", "set-preset", "set-bitrate", "set-keyframe", "set-audio-bitrate", "set-delay"]) {
    ($(id) as HTMLInputElement).disabled = busy;
  }
}

export function renderCollection() {
  $("collection-name").textContent = store.state.collection.name;
  $("collection-name").title = store.state.collection_path;
  $("collection-files").replaceChildren(...store.state.collections.map((path) => el("option", { value: path })));
}

/// The file picker: lists a folder of the machine the engine runs on (so it works the same in a
/// browser and in the window) and writes the chosen file's path into `target`.
const picker = { target: "", parent: null as string | null, folder: "", json: false, folders: false };

/// Opens the picker for `target`: files (collections when `json`), or with `folders` a folder
/// chosen with "Use this folder".
export function browse(target: string, json = false, folders = false) {
  picker.target = target;
  picker.json = json || folders;
  picker.folders = folders;
  $("file-picker-title").textContent = folders ? "Choose a folder" : "Choose a file";
  $("file-picker-choose-folder").hidden = !folders;
  const current = ($(target) as HTMLInputElement).value.trim();
  // Start where the typed path points, else beside the collection.
  const folder = current ? (current.endsWith("/") ? current : current.slice(0, current.lastIndexOf("/") + 1) || null) : null;
  run({ type: "list_files", folder, json: picker.json }).then((ok) => { if (ok) ($("file-picker") as HTMLDialogElement).showModal(); });
}

export function renderFiles(listing: FileListing) {
  picker.parent = listing.parent;
  picker.folder = listing.folder;
  $("file-picker-folder").textContent = listing.folder;
  ($("file-picker-up") as HTMLButtonElement).disabled = listing.parent === null;
  $("file-picker-list").replaceChildren(
    ...listing.entries.map((entry) => {
      const pick = el("button", { type: "button", className: entry.folder ? "folder" : "file", textContent: entry.folder ? `${entry.name}/` : entry.name });
      if (picker.folders && !entry.folder) pick.disabled = true;
      pick.onclick = () => {
        if (entry.folder) {
          run({ type: "list_files", folder: entry.path, json: picker.json });
        } else {
          ($(picker.target) as HTMLInputElement).value = entry.path;
          ($("file-picker") as HTMLDialogElement).close();
        }
      };
      return el("li", {}, pick);
    }),
  );
  if (listing.entries.length === 0) $("file-picker-list").append(el("li", { className: "hint", textContent: picker.json ? "No folders or .json files here." : "No folders or media files here." }));
}

/// The dialog, the canvas, output and collection forms and the file picker.
/// Guests on other networks: the profile's STUN and TURN servers, and the TURN secret, which
/// goes to the key store and is never shown back (the field says whether one is kept).
function renderGuestNetwork() {
  const network = store.state.profile.guest_network;
  const servers = $("set-ice-servers") as HTMLTextAreaElement;
  if (document.activeElement !== servers) servers.value = (network?.ice_servers ?? []).join("\n");
  const fields = { "set-guest-listen": network?.listen, "set-guest-host": network?.public_host, "set-guest-certificate": network?.certificate, "set-guest-certificate-key": network?.certificate_key };
  for (const [id, value] of Object.entries(fields)) {
    const input = $(id) as HTMLInputElement;
    if (document.activeElement !== input) input.value = value ?? "";
  }
  ($("set-turn-secret") as HTMLInputElement).placeholder = network?.turn_secret_key ? "kept (type a new one to replace it)" : "none";
}

function setupGuestNetwork() {
  $("guest-network-form").onsubmit = (e) => {
    e.preventDefault();
    const secret = $("set-turn-secret") as HTMLInputElement;
    const ice_servers = ($("set-ice-servers") as HTMLTextAreaElement).value.split("\n").map((l) => l.trim()).filter(Boolean);
    const field = (id: string) => ($(id) as HTMLInputElement).value.trim() || null;
    const reach = { listen: field("set-guest-listen"), public_host: field("set-guest-host"), certificate: field("set-guest-certificate"), certificate_key: field("set-guest-certificate-key") };
    void run({ type: "set_guest_network", ice_servers, ...reach, ...(secret.value ? { turn_secret: secret.value } : {}) }).then((ok) => {
      if (ok) secret.value = "";
    });
  };
}

export function setupSettings() {
  setupGuestNetwork();
  const dialog = $("settings-dialog") as HTMLDialogElement;
  $("open-settings").prepend(iconOf(Settings), " ");
  $("open-settings").onclick = () => dialog.showModal();
  $("settings-close").append(iconOf(X));
  $("settings-close").onclick = () => dialog.close();
  for (const radio of document.querySelectorAll<HTMLInputElement>("#quality input")) {
    radio.onchange = () => { if (radio.checked) void applyQuality(radio.value); };
  }
  $("canvas-form").onsubmit = (e) => {
    e.preventDefault();
    const size = ($("set-canvas-size") as HTMLSelectElement).value;
    const [width, height] = size === "custom"
      ? [Number(($("set-canvas-width") as HTMLInputElement).value), Number(($("set-canvas-height") as HTMLInputElement).value)]
      : size.split("x").map(Number);
    const fps = Number(($("set-fps") as HTMLSelectElement).value);
    run({ type: "set_canvas", canvas: { ...store.state.collection.canvas, width, height, fps } }).then((ok) => {
      if (ok) notice("info", `Canvas ${width}x${height} at ${fps} fps`);
    });
  };
  $("output-form").onsubmit = async (e) => {
    e.preventDefault();
    const value = (id: string) => ($(id) as HTMLInputElement).value.trim();
    const { video, audio, recording } = store.state.profile;
    const delay = Number(value("set-delay"));
    if (delay !== store.state.profile.stream_delay_s && !(await run({ type: "set_stream_delay", seconds: delay }))) return;
    const replay = Number(value("set-replay"));
    if (replay !== store.state.profile.replay_buffer_s && !(await run({ type: "set_replay_buffer_length", seconds: replay }))) return;
    run({
      type: "set_output_settings",
      video: { ...video, preset: value("set-preset"), bitrate_kbps: Number(value("set-bitrate")), keyframe_interval_s: Number(value("set-keyframe")) },
      audio: { ...audio, bitrate_kbps: Number(value("set-audio-bitrate")) },
      recording: {
        ...recording, format: value("set-format") as RecordingFormat, folder: value("set-folder"), as_aired: ($("set-as-aired") as HTMLInputElement).checked,
        canvases: [...$("set-record-canvases").querySelectorAll<HTMLInputElement>("input:checked")].map((b) => b.value),
      },
    }).then((ok) => { if (ok) notice("info", "Output settings saved"); });
  };
  $("collection-form").onsubmit = (e) => {
    e.preventDefault();
    const path = ($("collection-path") as HTMLInputElement).value.trim();
    // Done here: the other collection shows on the stage.
    if (path) run({ type: "open_collection", path }).then((ok) => { if (ok) { store.selection = []; history.clear(); dialog.close(); } });
  };
  $("collection-save-as").onclick = () => {
    const path = ($("collection-path") as HTMLInputElement).value.trim();
    if (!path) return notice("error", "Type a file name for the copy, such as my-show.json");
    run({ type: "save_collection_as", path }).then((ok) => { if (ok) notice("info", `Saved as ${store.state.collection_path}; edits now go there`); });
  };

  for (const button of document.querySelectorAll<HTMLButtonElement>("button.browse")) {
    button.onclick = () => browse(button.dataset.for!, button.dataset.json === "true", button.dataset.folder === "true");
  }
  $("file-picker-choose-folder").onclick = () => {
    ($(picker.target) as HTMLInputElement).value = picker.folder;
    ($("file-picker") as HTMLDialogElement).close();
  };
  $("set-canvas-size").onchange = () => {
    $("custom-canvas").hidden = ($("set-canvas-size") as HTMLSelectElement).value !== "custom";
  };
  $("file-picker-up").onclick = () => { if (picker.parent) run({ type: "list_files", folder: picker.parent, json: picker.json }); };
  $("import-obs-form").onsubmit = (e) => {
    e.preventDefault();
    const path = ($("import-obs-path") as HTMLInputElement).value.trim();
    if (!path) return notice("error", "Give the OBS collection file: basic/scenes/NAME.json in OBS's settings folder");
    const profile = ($("import-obs-profile") as HTMLInputElement).value.trim();
    const fit = ($("import-obs-fit") as HTMLInputElement).checked;
    // Done here: the imported collection shows on the stage, its report beside it.
    run({ type: "import_obs", path, ...(profile ? { profile_dir: profile } : {}), ...(fit ? { fit_1080p: true } : {}) }).then((ok) => { if (ok) { store.selection = []; history.clear(); dialog.close(); } });
  };
  $("file-picker-cancel").onclick = () => ($("file-picker") as HTMLDialogElement).close();
}
