// Canvas editing, kept free of the DOM so it can be tested: where layers are, which one a
// point hits, and how a drag, a resize or a nudge changes a transform (with snapping).
import type { Layer, LayerTransform, Transform, StudioState } from "./protocol.gen";

export interface Box { x: number; y: number; w: number; h: number }

/// A layer's rectangle on the canvas (rotation ignored): its explicit size, else its source's
/// natural size less the crop.
export function layerBox(layer: Layer, state: StudioState): Box | null {
  const t = layer.transform;
  const natural = state.source_sizes.find((s) => s.id === layer.source);
  const w = t.width ?? (natural ? natural.width - t.crop.left - t.crop.right : null);
  const h = t.height ?? (natural ? natural.height - t.crop.top - t.crop.bottom : null);
  if (w === null || h === null) return null;
  return { x: t.x, y: t.y, w, h };
}

/// The topmost visible layer under a point, or null.
export function hitTest(layers: Layer[], state: StudioState, x: number, y: number): Layer | null {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!layer.visible) continue;
    const b = layerBox(layer, state);
    if (b && x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) return layer;
  }
  return null;
}

/// Lines a moving box snaps to: canvas edges and centre, and the 5% title-safe margin.
export function snapLines(width: number, height: number): { xs: number[]; ys: number[] } {
  return {
    xs: [0, width * 0.05, width / 2, width * 0.95, width],
    ys: [0, height * 0.05, height / 2, height * 0.95, height],
  };
}

/// Moves `box` by (dx, dy); an edge or the centre within `threshold` of a snap line sticks to it.
export function moveBox(box: Box, dx: number, dy: number, lines: { xs: number[]; ys: number[] }, threshold = 8): Box {
  const snap = (start: number, size: number, targets: number[]) => {
    let best = start;
    let bestDistance = threshold + 1;
    for (const edge of [0, size / 2, size]) {
      for (const target of targets) {
        const d = Math.abs(start + edge - target);
        if (d < bestDistance) {
          bestDistance = d;
          best = target - edge;
        }
      }
    }
    return best;
  };
  return { ...box, x: snap(box.x + dx, box.w, lines.xs), y: snap(box.y + dy, box.h, lines.ys) };
}

/// Resizes from the bottom-right handle; `keepAspect` (Shift) keeps the shape.
export function resizeBox(box: Box, dx: number, dy: number, keepAspect: boolean): Box {
  let w = Math.max(8, box.w + dx);
  let h = Math.max(8, box.h + dy);
  if (keepAspect) {
    const scale = Math.max(w / box.w, h / box.h);
    w = box.w * scale;
    h = box.h * scale;
  }
  return { ...box, w, h };
}

/// Alt-drag: crops the right and bottom edges by the drag, in source pixels (a drag back
/// uncrops). A layer without an explicit size shrinks with its crop; a sized one keeps its box
/// and shows less of the source.
export function cropBy(t: Transform, natural: { width: number; height: number }, box: Box, dx: number, dy: number): Transform {
  const visibleW = natural.width - t.crop.left - t.crop.right;
  const visibleH = natural.height - t.crop.top - t.crop.bottom;
  const right = t.crop.right - (dx * visibleW) / box.w;
  const bottom = t.crop.bottom - (dy * visibleH) / box.h;
  const clamp = (v: number, max: number) => Math.round(Math.min(Math.max(0, v), max));
  return {
    ...t,
    crop: {
      ...t.crop,
      right: clamp(right, natural.width - t.crop.left - 8),
      bottom: clamp(bottom, natural.height - t.crop.top - 8),
    },
  };
}

/// The transform that puts a layer at `box`; an unchanged size stays implicit.
export function withBox(t: Transform, box: Box, sized: boolean): Transform {
  const round = (v: number) => Math.round(v);
  return {
    ...t,
    x: round(box.x),
    y: round(box.y),
    width: sized ? round(box.w) : t.width,
    height: sized ? round(box.h) : t.height,
  };
}

/// Shift-click: adds a layer to the selection or takes it out. The last one in the list is the
/// primary: it gets the resize handle and the properties form.
export function toggleSelection(selection: string[], id: string): string[] {
  return selection.includes(id) ? selection.filter((s) => s !== id) : [...selection, id];
}

/// Moves every selected, unlocked layer by (dx, dy) canvas pixels from its transform in
/// `layers`; locked ones stay where they are.
export function moveAll(layers: Layer[], selection: string[], dx: number, dy: number): LayerTransform[] {
  return layers
    .filter((l) => selection.includes(l.source) && !l.locked)
    .map((l) => ({ source: l.source, transform: { ...l.transform, x: Math.round(l.transform.x + dx), y: Math.round(l.transform.y + dy) } }));
}

/// Undo and redo of transforms, one entry per finished gesture.
export class History<T> {
  private done: T[] = [];
  private undone: T[] = [];
  push(entry: T) {
    this.done.push(entry);
    this.undone = [];
  }
  undo(): T | undefined {
    const e = this.done.pop();
    if (e !== undefined) this.undone.push(e);
    return e;
  }
  /// Forgets everything (another collection was opened).
  clear() {
    this.done = [];
    this.undone = [];
  }
  redo(): T | undefined {
    const e = this.undone.pop();
    if (e !== undefined) this.done.push(e);
    return e;
  }
}
