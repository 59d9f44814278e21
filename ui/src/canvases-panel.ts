// Canvases: the switcher above the editor (every editing tool works on the canvas shown), the
// "Add vertical canvas" button, the safe-area guides, and the other canvas's program beside
// the editor when the window is wide enough.
import { $, canvasSize, el, render, run, store } from "./store";

/// Action-safe margin on each side, as docs/scene-format.md's automatic layout uses it.
const SAFE = 0.05;
/// The bottom band the automatic layout keeps clear on a vertical canvas. No platform
/// publishes where its own captions and buttons go; this is our rule, labelled as such.
const BOTTOM_BAND = 0.2;
/// The stage is this wide (CSS pixels) or more before a second canvas is shown beside it.
const SIDE_BY_SIDE_PX = 900;

/// A canvas just added, to switch to once the engine's state has it (the reply to the command
/// can come before the state).
let switchTo: string | null = null;

export const canvasNames = () => ["main", ...(store.state.collection.canvases ?? []).map((c) => c.name)];

/// The canvas shown beside the editor, when there is room and studio mode does not use it.
export function companion(): string | null {
  if (store.state.preview_scene !== null) return null;
  const other = canvasNames().find((n) => n !== store.canvas);
  const wide = $("stage").getBoundingClientRect().width >= SIDE_BY_SIDE_PX;
  return other && wide ? other : null;
}

/// A vertical size for a new canvas: the main canvas turned on its side (1080x1920 beside
/// 1920x1080, 720x1280 beside 1280x720).
function verticalSize() {
  const { width, height } = store.state.collection.canvas;
  return width > height ? { width: height, height: width } : { width: 1080, height: 1920 };
}

function label(name: string) {
  const { width, height } = canvasSize(name);
  return `${name} ${width}×${height}`;
}

/// Gives a box a canvas's shape (vertical and square too), at most 70 % of the window's height.
export function shape(box: HTMLElement, name: string) {
  const { width, height } = canvasSize(name);
  box.style.aspectRatio = `${width} / ${height}`;
  box.style.width = `min(100%, calc(70vh * ${width} / ${height}))`;
}

function renderGuides() {
  const { width, height } = canvasSize();
  const show = ($("guides-on") as HTMLInputElement).checked;
  const guides = $("guides");
  guides.hidden = !show;
  const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
  const parts: HTMLElement[] = [
    el("div", { className: "guide safe", title: "Action-safe area: 5 % in from each edge" }),
  ];
  const safe = parts[0];
  Object.assign(safe.style, { left: pct(SAFE), top: pct(SAFE), right: pct(SAFE), bottom: pct(SAFE) });
  if (height > width) {
    const band = el("div", {
      className: "guide band",
      textContent: "kept clear by the automatic layout (our rule: platforms draw captions and buttons here but publish no figure)",
    });
    Object.assign(band.style, { left: "0", right: "0", bottom: "0", height: pct(BOTTOM_BAND) });
    parts.push(band);
  }
  guides.replaceChildren(...parts);
}

export function renderCanvases() {
  const names = canvasNames();
  if (switchTo && names.includes(switchTo)) {
    store.canvas = switchTo;
    store.selection = [];
    switchTo = null;
  }
  if (!names.includes(store.canvas)) store.canvas = "main";
  const bar = $("canvas-tabs");
  bar.replaceChildren(
    ...names.map((name) => {
      const tab = el("button", { textContent: label(name), className: "canvas-tab", type: "button" });
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-selected", String(name === store.canvas));
      tab.onclick = () => {
        if (store.canvas === name) return;
        store.canvas = name;
        store.selection = [];
        render();
      };
      return tab;
    }),
  );
  const hasVertical = (store.state.collection.canvases ?? []).some((c) => c.height > c.width);
  $("add-vertical").hidden = hasVertical;
  const size = verticalSize();
  $("add-vertical").title = `Add a ${size.width}×${size.height} canvas with every scene arranged for it`;
  $("remove-canvas").hidden = store.canvas === "main";
  shape($("stage-box"), store.canvas);
  renderGuides();
}

export function setupCanvases() {
  $("add-vertical").onclick = async () => {
    const size = verticalSize();
    switchTo = "vertical";
    if (await run({ type: "add_canvas", name: "vertical", ...size })) render();
    else switchTo = null;
  };
  $("remove-canvas").onclick = () => {
    const name = store.canvas;
    if (name !== "main" && confirm(`Remove canvas "${name}" and its layouts?`)) run({ type: "remove_canvas", name });
  };
  $("guides-on").onchange = renderGuides;
}
