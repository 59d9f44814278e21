// Layers of the selected scene, the selected layer's properties, and the add-source form.
import type { Align, Command, Source, Transform } from "./protocol.gen";
import { toggleSelection } from "./editor";
import { idFor } from "./words";
import { AudioWaveform, ChevronDown, ChevronUp, Eye, EyeOff, Film, Grid3x3, Image, Lock, LockOpen, Mic, PanelBottom, Square, Trash2, UserRound, Type, Video, type IconNode } from "lucide";
import { iconOf } from "./icons";
import { $, canvasSize, editing, el, layers as shownLayers, onCanvas, primary, render, run, sourceLabel, store } from "./store";

/// Show/hide reaches every canvas whose layout has the layer, unless the user chose this
/// canvas only (the choice appears once there are several canvases).
function visibilityScope(): { every_canvas?: boolean } {
  const several = (store.state.collection.canvases?.length ?? 0) > 0;
  $("visibility-scope-row").hidden = !several;
  return several && ($("visibility-scope") as HTMLSelectElement).value === "every" ? { every_canvas: true } : {};
}

/// Each kind's icon and its name in words (the icon's accessible name).
const KINDS: Record<Source["kind"], [IconNode, string]> = {
  text: [Type, "Text"],
  color: [Square, "Colour"],
  test_pattern: [Grid3x3, "Test pattern"],
  image: [Image, "Image"],
  tone: [AudioWaveform, "Tone"],
  camera: [Video, "Camera"],
  microphone: [Mic, "Microphone"],
  media_file: [Film, "Media file"],
  template: [PanelBottom, "Graphic"],
  guest: [UserRound, "Guest"],
};

/// The kind's icon, named for assistive technology.
function kindIcon(source: Source | undefined) {
  const [icon, words] = KINDS[source?.kind ?? "color"];
  const svg = iconOf(icon, 14);
  svg.removeAttribute("aria-hidden");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", words);
  svg.classList.add("kind");
  return svg;
}

export function renderLayers() {
  const layers = shownLayers();
  visibilityScope();
  $("layer-list").replaceChildren(
    ...(layers.length ? [] : [el("li", { className: "empty", textContent: "This scene is empty: add a source below, or a graphic from the Graphics tab." })]),
    ...[...layers].reverse().map((layer, reversed) => {
      const index = layers.length - 1 - reversed;
      const item = el("li", { className: store.selection.includes(layer.source) ? "selected" : "" });
      const source = store.state.collection.sources.find((x) => x.id === layer.source);
      const name = el("span", { className: "name", tabIndex: 0, title: "Click to select; Shift+click adds to the selection" }, kindIcon(source), ` ${sourceLabel(layer.source)}`);
      const select = (add: boolean) => {
        store.selection = add ? toggleSelection(store.selection, layer.source) : [layer.source];
        render();
      };
      name.onclick = (e) => select(e.shiftKey || e.ctrlKey || e.metaKey);
      name.onkeydown = (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(e.shiftKey); } };
      const button = (icon: IconNode, label: string, command: Command | (() => Command)) => {
        const b = el("button", { className: "icon", title: label }, iconOf(icon));
        b.setAttribute("aria-label", `${label}: ${sourceLabel(layer.source)}`);
        b.onclick = () => run(typeof command === "function" ? command() : command);
        return b;
      };
      const where = { scene: store.selectedScene, source: layer.source };
      const brand = store.state.brand;
      const branded = brand?.branded.includes(layer.source) ?? false;
      if (branded) {
        const badge = el("span", { className: brand!.kit.locked ? "badge locked" : "badge", textContent: "Brand" });
        if (brand!.kit.locked) badge.prepend(iconOf(Lock, 12));
        badge.title = brand!.kit.locked ? `The brand kit ${brand!.kit.name} is locked: this layer keeps its place and style; its text stays editable` : `Styled by the brand kit ${brand!.kit.name}`;
        name.append(" ", badge);
      }
      const held = (b: HTMLButtonElement) => {
        // A locked kit holds branded layers in place: say so rather than fail on click.
        if (branded && brand!.kit.locked) Object.assign(b, { disabled: true, title: "The brand kit is locked; unlock it on the Brand page" });
        return b;
      };
      item.append(
        name,
        button(layer.visible ? Eye : EyeOff, layer.visible ? "Hide" : "Show", () => ({ type: "set_layer_visible", ...where, visible: !layer.visible, ...onCanvas(), ...visibilityScope() })),
        held(button(layer.locked ? Lock : LockOpen, layer.locked ? "Unlock" : "Lock", { type: "set_layer_locked", ...where, locked: !layer.locked, ...onCanvas() })),
        held(button(ChevronUp, "Move up", { type: "move_layer", ...where, index: index + 1, ...onCanvas() })),
        held(button(ChevronDown, "Move down", { type: "move_layer", ...where, index: Math.max(0, index - 1), ...onCanvas() })),
        held(button(Trash2, "Remove", { type: "remove_layer", ...where })),
      );
      return item;
    }),
  );
}

/// The selected layer's source settings, editable where the kind has any.
export function renderProperties() {
  const form = $("properties") as HTMLFormElement;
  const source = store.state.collection.sources.find((s) => s.id === primary());
  const kind = source?.kind;
  form.hidden = !(kind === "text" || kind === "color" || kind === "image" || kind === "template");
  if (form.hidden || !source) return;
  for (const label of form.querySelectorAll<HTMLElement>("label, button.browse")) {
    label.hidden = !label.classList.contains(`prop-${kind}`);
  }
  const brand = store.state.brand;
  const branded = brand?.branded.includes(source.id) ?? false;
  $("prop-branded").hidden = !branded;
  $("prop-branded").textContent = !branded ? "" : brand!.kit.locked
    ? `Styled by the brand kit ${brand!.kit.name}, which is locked: only the text can change.`
    : `Styled by the brand kit ${brand!.kit.name}: change its colours and fonts on the Brand page.`;
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
  } else if (source.kind === "template") {
    const t = source.settings;
    input("prop-title").value = t.title;
    input("prop-subtitle").value = t.subtitle ?? "";
    input("prop-url").value = t.url ?? "";
    input("prop-hide-after").value = t.hide_after_s ? String(t.hide_after_s) : "";
    for (const id of ["prop-subtitle", "prop-hide-after"]) $(id).parentElement!.hidden = t.template === "ticker" || t.template === "slate" && id === "prop-hide-after";
    $("prop-url").parentElement!.hidden = t.template !== "call_to_action";
  }
}

export function applyProperties() {
  const source = store.state.collection.sources.find((s) => s.id === primary());
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
  } else if (source.kind === "template") {
    const hide = Number(value("prop-hide-after"));
    changed = {
      ...source,
      settings: {
        ...source.settings,
        title: value("prop-title"),
        subtitle: value("prop-subtitle"),
        url: value("prop-url").trim() || null,
        hide_after_s: hide > 0 ? hide : null,
      },
    };
  } else {
    return;
  }
  run({ type: "update_source", source: changed });
}

export function renderDevices() {
  const option = (value: string, text: string) => el("option", { value, textContent: text });
  const mics = store.devices?.audio_inputs ?? [];
  $("source-mic").replaceChildren(
    option("", "Default input"),
    ...mics.map((m) => option(m.id, `${m.name}${m.is_default ? " (default)" : ""}`)),
  );
  const cameras = store.devices?.cameras ?? [];
  $("source-camera").replaceChildren(...cameras.map((c) => option(String(c.index), c.name)));
  $("no-camera").hidden = !(store.devices && cameras.length === 0 && ($("source-kind") as HTMLSelectElement).value === "camera");
}

export function newSource(): Source {
  const name = ($("source-name") as HTMLInputElement).value.trim();
  const id = idFor(name, store.state.collection.sources.map((s) => s.id));
  return { ...newSourceOfKind(id), name };
}

function newSourceOfKind(id: string): Source {
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
    case "guest":
      return { id, kind: "guest", settings: { slot: id, name: ($("source-name") as HTMLInputElement).value.trim() } };
    case "camera":
      return { id, kind: "camera", settings: { device: ($("source-camera") as HTMLSelectElement).value || null, width: null, height: null, fps: null, format: null } };
    default:
      return { id, kind: "test_pattern", settings: { width: null, height: null, flash_each_second: false } };
  }
}

/// The properties form and the add-source form.
export function setupSources() {
  const kind = $("source-kind") as HTMLSelectElement;
  const showFields = () => {
    for (const label of document.querySelectorAll<HTMLElement>("#add-source label[class], #add-source button.browse, #add-source p.for-guest")) {
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
    // A guest's card is the canvas's size: it starts as a centred quarter of it.
    const { width, height } = canvasSize();
    const box = source.kind === "guest" ? { x: width / 4, y: height / 4, width: width / 2, height: height / 2 } : { x: 100, y: 100, width: null, height: null };
    const transform: Transform = { ...box, crop: { left: 0, top: 0, right: 0, bottom: 0 }, rotation: 0, opacity: 1 };
    run({ type: "add_source", scene: store.selectedScene, source, transform, ...onCanvas() }).then((ok) => { if (ok) { store.selection = [source.id]; render(); } });
  };
}
