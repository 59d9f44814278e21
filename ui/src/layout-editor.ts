// The layout editor over the preview: select, drag, resize and crop layers with the pointer and
// the keyboard; each gesture is one undoable edit.
import type { LayerTransform, Transform } from "./protocol.gen";
import { type Box, cropBy, hitTest, layerBox, moveAll, moveBox, resizeBox, snapLines, toggleSelection, withBox } from "./editor";
import { $, canvasSize, el, history, layers, onCanvas, primary, render, run, scene, selected, store } from "./store";

/// Canvas pixels per CSS pixel of the overlay.
export function scale() {
  const rect = $("overlay").getBoundingClientRect();
  return canvasSize().width / rect.width;
}

/// Frames around the selected layers (at `boxes` while a gesture moves them); the primary one
/// has the resize handle.
export function renderSelection(boxes?: Map<string, Box>) {
  const overlay = $("overlay");
  overlay.replaceChildren();
  const k = 1 / scale();
  for (const layer of layers()) {
    if (!store.selection.includes(layer.source)) continue;
    const b = boxes?.get(layer.source) ?? layerBox(layer, store.state);
    if (!b) continue;
    const frame = el("div", { className: "selection" });
    if (layer.source === primary()) frame.append(el("div", { className: "handle" }));
    frame.dataset.source = layer.source;
    Object.assign(frame.style, { left: `${b.x * k}px`, top: `${b.y * k}px`, width: `${b.w * k}px`, height: `${b.h * k}px` });
    overlay.append(frame);
  }
}

/// One undoable edit of layer transforms.
export function transformLayers(scene: string, before: LayerTransform[], after: LayerTransform[]) {
  if (after.length === 0) return;
  history.push({ scene, canvas: store.canvas, before: before.filter((b) => after.some((a) => a.source === b.source)), after });
  run({ type: "set_transforms", scene, layers: after, ...onCanvas() });
}

export function setupEditor() {
  const overlay = $("overlay");
  overlay.onpointerdown = (e) => {
    const s = scene();
    if (!s) return;
    const k = scale();
    const rect = overlay.getBoundingClientRect();
    const x = (e.clientX - rect.left) * k;
    const y = (e.clientY - rect.top) * k;
    const current = selected();
    const currentBox = current ? layerBox(current, store.state) : null;
    const onHandle = currentBox && Math.abs(x - (currentBox.x + currentBox.w)) < 12 * k && Math.abs(y - (currentBox.y + currentBox.h)) < 12 * k;
    const shown = layers();
    const layer = onHandle ? current! : hitTest(shown, store.state, x, y);
    if (e.shiftKey && !onHandle) {
      // Shift+click adds to the selection or takes out; no drag.
      if (layer) store.selection = toggleSelection(store.selection, layer.source);
      render();
      return;
    }
    if (!layer) store.selection = [];
    else if (!store.selection.includes(layer.source)) store.selection = [layer.source];
    else store.selection = [...store.selection.filter((id) => id !== layer.source), layer.source];
    render();
    if (!layer || layer.locked) return;
    const start = layerBox(layer, store.state);
    if (!start) return;
    overlay.setPointerCapture(e.pointerId);
    const before = layer.transform;
    const group = shown.filter((l) => store.selection.includes(l.source));
    const beforeAll = group.map((l) => ({ source: l.source, transform: l.transform }));
    const size = canvasSize();
    const lines = snapLines(size.width, size.height);
    let box = start;
    let sent = 0;
    const natural = store.state.source_sizes.find((n) => n.id === layer.source);
    let cropped: Transform | null = null;
    // Resizing and cropping change the grabbed layer; moving moves the whole selection.
    const changes = (): LayerTransform[] =>
      cropped || onHandle
        ? [{ source: layer.source, transform: cropped ?? withBox(before, box, true) }]
        : moveAll(shown, store.selection, box.x - start.x, box.y - start.y);
    // While dragging, at most 20 edits a second; the last one goes with the undo entry.
    const preview = () => {
      const now = performance.now();
      if (now - sent > 50) {
        sent = now;
        run({ type: "set_transforms", scene: s.name, layers: changes(), ...onCanvas() });
      }
    };
    overlay.onpointermove = (m) => {
      const dx = (m.clientX - e.clientX) * k;
      const dy = (m.clientY - e.clientY) * k;
      if (m.altKey && natural) {
        // Alt-drag crops the right and bottom edges.
        cropped = cropBy(before, natural, start, dx, dy);
        box = layerBox({ ...layer, transform: cropped }, store.state) ?? start;
      } else {
        cropped = null;
        box = onHandle ? resizeBox(start, dx, dy, m.shiftKey) : moveBox(start, dx, dy, m.ctrlKey ? { xs: [], ys: [] } : lines);
      }
      const boxes = new Map<string, Box>([[layer.source, box]]);
      if (!cropped && !onHandle) {
        for (const l of group) {
          const b = layerBox(l, store.state);
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
      store.selection = layers().filter((l) => l.visible).map((l) => l.source);
      render();
      return;
    }
    if (e.key === "Escape") {
      store.selection = [];
      render();
      return;
    }
    if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      const doomed = store.selection;
      store.selection = [];
      for (const source of doomed) run({ type: "remove_layer", scene: s.name, source });
      return;
    }
    const step = e.shiftKey ? 10 : 1;
    const delta: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const d = delta[e.key];
    if (!d || store.selection.length === 0) return;
    e.preventDefault();
    const shown = layers();
    const before = shown.filter((l) => store.selection.includes(l.source)).map((l) => ({ source: l.source, transform: l.transform }));
    transformLayers(s.name, before, moveAll(shown, store.selection, d[0], d[1]));
  };
}
