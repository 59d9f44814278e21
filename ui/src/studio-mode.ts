// Studio mode and transitions: the preview scene on the editing canvas with the program beside
// it (marked on air), the Transition button, the collection's default transition and the
// selected scene's own. Off, the editing canvas shows the program as before.
import type { SlideDirection, Transition } from "./protocol.gen";
import { openFrames } from "./carrier";
import { startPreview, type PreviewStats } from "./preview";
import { $, editing, run, scene, store } from "./store";
import { companion, shape } from "./canvases-panel";

/// The preview scene's frames while studio mode is on, of which canvas, and their counters
/// (for tests).
let previewFeed: { close(): void; canvas: string } | null = null;
export const studioPreview: { stats: PreviewStats | null } = { stats: null };
/// The program's frames: of which canvas, and the size they were asked for.
let programFeed: { close(): void; side: number; canvas: string } | null = null;
/// Another canvas's program beside the editor (studio mode off, a wide window).
let companionFeed: { close(): void; canvas: string } | null = null;

/// The longest side, in device pixels, of the box a canvas is drawn in.
function sideOf(box: string): number {
  const r = $(box).getBoundingClientRect();
  return Math.round(Math.max(r.width, r.height) * devicePixelRatio) || 1280;
}

/// (Re)connects the program's frames at the size they are drawn: the whole stage, or the box
/// beside the preview in studio mode. Frames made larger than they are shown cost the engine
/// for nothing (a 1080p JPEG takes twice a 720p one).
export function connectProgram() {
  connectCompanion();
  const side = sideOf(on() ? "program-box" : "stage-box");
  const canvas = store.canvas;
  if (programFeed && programFeed.canvas === canvas && Math.abs(side - programFeed.side) < programFeed.side * 0.2) return;
  programFeed?.close();
  const feed = openFrames("program", side, canvas);
  programFeed = { close: () => feed.close(), side, canvas };
  store.preview = startPreview(feed, programCanvas);
}

/// Shows another canvas's program beside the editor while there is room for it.
function connectCompanion() {
  const other = companion();
  if (companionFeed?.canvas === other) return;
  companionFeed?.close();
  companionFeed = null;
  if (other) {
    const feed = openFrames("program", sideOf("program-box"), other);
    companionFeed = { close: () => feed.close(), canvas: other };
    startPreview(feed, () => $("program") as HTMLCanvasElement);
  }
}

const on = () => store.state.preview_scene !== null;

/// Where program frames are drawn: beside the editor in studio mode, on it otherwise.
export function programCanvas(): HTMLCanvasElement {
  return $(on() ? "program" : "preview") as HTMLCanvasElement;
}

/// A transition as the form's select names it: `cut`, `fade`, `slide-left`, `stinger`.
export function kindOf(t: Transition): string {
  return t.kind === "slide" ? `slide-${t.direction}` : t.kind;
}

/// The transition the form describes, for `kind` (the form's, unless given).
function fromForm(kind = ($("transition-kind") as HTMLSelectElement).value): Transition {
  const duration_ms = Math.max(0, Math.round(Number(($("transition-ms") as HTMLInputElement).value) || 0));
  if (kind === "cut") return { kind: "cut" };
  if (kind === "fade") return { kind: "fade", duration_ms };
  if (kind.startsWith("slide-")) return { kind: "slide", direction: kind.slice(6) as SlideDirection, duration_ms };
  const path = ($("stinger-path") as HTMLInputElement).value.trim();
  const cut_point_ms = Math.round(Number(($("stinger-cut") as HTMLInputElement).value) || 0);
  return { kind: "stinger", path, cut_point_ms, duration_ms: duration_ms > 0 ? duration_ms : undefined };
}

export function renderStudioMode() {
  const studio = on();
  const button = $("studio-mode");
  button.setAttribute("aria-pressed", String(studio));
  button.classList.toggle("active-mode", studio);
  const other = companion();
  $("program-col").hidden = !studio && other === null;
  $("transition").hidden = !studio;
  const onCanvas = store.canvas === "main" ? "" : ` (${store.canvas})`;
  $("editor-label").textContent = studio ? `Preview: ${store.state.preview_scene}${onCanvas}` : `Program: ${store.state.program_scene}${onCanvas} · on air`;
  $("program-label").textContent = `Program: ${store.state.program_scene}${studio ? onCanvas : other === "main" ? "" : ` (${other})`} · on air`;
  shape($("program-box"), studio ? store.canvas : (other ?? "main"));
  const airing = studio && store.state.preview_scene === store.state.program_scene;
  $("preview-is-program").hidden = !airing;
  connectProgram();
  if (previewFeed && (!studio || previewFeed.canvas !== store.canvas)) {
    previewFeed.close();
    previewFeed = null;
    studioPreview.stats = null;
  }
  if (studio && !previewFeed) {
    const feed = openFrames("preview", sideOf("stage-box"), store.canvas);
    studioPreview.stats = startPreview(feed, () => $("preview") as HTMLCanvasElement);
    previewFeed = { close: () => feed.close(), canvas: store.canvas };
  } else if (!studio && previewFeed) {
    previewFeed.close();
    previewFeed = null;
    studioPreview.stats = null;
  }
  if (!editing("transition-form")) {
    const t = store.state.collection.transition ?? { kind: "cut" };
    ($("transition-kind") as HTMLSelectElement).value = kindOf(t);
    if (t.kind !== "cut") ($("transition-ms") as HTMLInputElement).value = String(t.duration_ms ?? "");
    if (t.kind === "stinger") {
      ($("stinger-path") as HTMLInputElement).value = t.path;
      ($("stinger-cut") as HTMLInputElement).value = String(t.cut_point_ms);
    }
    showStingerFields();
  }
  const own = scene()?.transition;
  ($("scene-transition") as HTMLSelectElement).value = own ? kindOf(own) : "";
}

function showStingerFields() {
  const stinger = ($("transition-kind") as HTMLSelectElement).value === "stinger";
  for (const id of ["stinger-path", "stinger-cut"]) $(id).closest("label")!.hidden = !stinger;
}

export function setupStudioMode() {
  // The scene's choice offers the same kinds as the collection's, after "Collection default".
  for (const option of ($("transition-kind") as HTMLSelectElement).options) $("scene-transition").append(option.cloneNode(true));
  $("studio-mode").onclick = () => run({ type: "set_studio_mode", on: !on() });
  // The transition chosen beside the button, whether or not it was made the default.
  $("transition").onclick = () => run({ type: "transition", transition: fromForm() });
  $("transition-kind").onchange = showStingerFields;
  $("transition-form").onsubmit = (e) => {
    e.preventDefault();
    void run({ type: "set_transition", transition: fromForm() });
  };
  $("scene-transition").onchange = (e) => {
    const kind = (e.target as HTMLSelectElement).value;
    void run({ type: "set_scene_transition", scene: store.selectedScene, transition: kind ? fromForm(kind) : null });
  };
}
