import { describe, expect, it } from "vitest";
import { History, cropBy, hitTest, layerBox, moveAll, moveBox, resizeBox, snapLines, toggleSelection, withBox } from "../src/editor";
import type { Layer, StudioState, Transform } from "../src/protocol.gen";

const transform = (x: number, y: number, width: number | null = null, height: number | null = null): Transform => ({
  x, y, width, height, crop: { left: 0, top: 0, right: 0, bottom: 0 }, rotation: 0, opacity: 1,
});
const layer = (source: string, t: Transform, visible = true): Layer => ({ source, transform: t, visible, locked: false });
const state = { source_sizes: [{ id: "logo", width: 200, height: 100 }, { id: "bg", width: 1280, height: 720 }] } as unknown as StudioState;

describe("layer boxes and hit testing", () => {
  it("uses the explicit size, else the source's natural size less the crop", () => {
    expect(layerBox(layer("logo", transform(10, 20)), state)).toEqual({ x: 10, y: 20, w: 200, h: 100 });
    expect(layerBox(layer("logo", transform(10, 20, 50, 40)), state)).toEqual({ x: 10, y: 20, w: 50, h: 40 });
    const cropped = transform(0, 0);
    cropped.crop = { left: 10, top: 0, right: 20, bottom: 5 };
    expect(layerBox(layer("logo", cropped), state)).toEqual({ x: 0, y: 0, w: 170, h: 95 });
    expect(layerBox(layer("unknown", transform(0, 0)), state)).toBeNull();
  });

  it("finds the topmost visible layer under the pointer", () => {
    const layers = [layer("bg", transform(0, 0)), layer("logo", transform(100, 100)), layer("logo", transform(100, 100), false)];
    expect(hitTest(layers, state, 150, 150)?.transform.x).toBe(100);
    expect(hitTest(layers, state, 150, 150)?.visible).toBe(true);
    expect(hitTest(layers, state, 10, 10)?.source).toBe("bg");
    expect(hitTest(layers, state, 2000, 10)).toBeNull();
  });
});

describe("moving and resizing", () => {
  const lines = snapLines(1280, 720);
  it("snaps edges and centres to the canvas edges, centre and safe area", () => {
    expect(moveBox({ x: 0, y: 0, w: 200, h: 100 }, 5, 305, lines)).toEqual({ x: 0, y: 310, w: 200, h: 100 });
    expect(moveBox({ x: 0, y: 0, w: 200, h: 100 }, 535, 3, lines).x).toBe(540);
    expect(moveBox({ x: 0, y: 0, w: 200, h: 100 }, 300, 300, { xs: [], ys: [] })).toEqual({ x: 300, y: 300, w: 200, h: 100 });
  });
  it("resizes from the corner, keeping the shape with Shift", () => {
    expect(resizeBox({ x: 0, y: 0, w: 200, h: 100 }, 100, 10, false)).toEqual({ x: 0, y: 0, w: 300, h: 110 });
    expect(resizeBox({ x: 0, y: 0, w: 200, h: 100 }, 100, 10, true)).toEqual({ x: 0, y: 0, w: 300, h: 150 });
  });
  it("writes whole pixels and keeps an implicit size implicit", () => {
    expect(withBox(transform(0, 0), { x: 10.4, y: 20.6, w: 200, h: 100 }, false)).toMatchObject({ x: 10, y: 21, width: null, height: null });
    expect(withBox(transform(0, 0), { x: 0, y: 0, w: 299.6, h: 150 }, true)).toMatchObject({ width: 300, height: 150 });
  });
});

describe("cropping", () => {
  it("crops the right and bottom edges by the drag, in source pixels", () => {
    const natural = { width: 200, height: 100 };
    const t = transform(0, 0);
    expect(cropBy(t, natural, { x: 0, y: 0, w: 200, h: 100 }, -50, -20).crop).toEqual({ left: 0, top: 0, right: 50, bottom: 20 });
    // Shown at twice its size: a 50 px drag is 25 source pixels.
    expect(cropBy(transform(0, 0, 400, 200), natural, { x: 0, y: 0, w: 400, h: 200 }, -50, 0).crop.right).toBe(25);
  });
  it("never crops below nothing or away the whole picture", () => {
    const natural = { width: 200, height: 100 };
    expect(cropBy(transform(0, 0), natural, { x: 0, y: 0, w: 200, h: 100 }, 80, 80).crop).toMatchObject({ right: 0, bottom: 0 });
    expect(cropBy(transform(0, 0), natural, { x: 0, y: 0, w: 200, h: 100 }, -500, -500).crop).toMatchObject({ right: 192, bottom: 92 });
  });
});

describe("history", () => {
  it("undoes and redoes in order, and a new entry clears the redo list", () => {
    const h = new History<number>();
    h.push(1);
    h.push(2);
    expect(h.undo()).toBe(2);
    expect(h.redo()).toBe(2);
    expect(h.undo()).toBe(2);
    h.push(3);
    expect(h.redo()).toBeUndefined();
    expect(h.undo()).toBe(3);
    expect(h.undo()).toBe(1);
  });
});

describe("multi-select", () => {
  it("toggles layers in and out, the last added being primary", () => {
    expect(toggleSelection([], "a")).toEqual(["a"]);
    expect(toggleSelection(["a"], "b")).toEqual(["a", "b"]);
    expect(toggleSelection(["a", "b"], "a")).toEqual(["b"]);
  });

  it("moves the selected unlocked layers together and leaves the others", () => {
    const locked = { ...layer("bg", transform(0, 0)), locked: true };
    const layers = [locked, layer("logo", transform(100, 100, 50, 40)), layer("title", transform(10, 600)), layer("other", transform(5, 5))];
    const moved = moveAll(layers, ["bg", "logo", "title"], 30.4, -20);
    expect(moved.map((m) => m.source)).toEqual(["logo", "title"]);
    expect(moved[0].transform).toMatchObject({ x: 130, y: 80, width: 50, height: 40 });
    expect(moved[1].transform).toMatchObject({ x: 40, y: 580 });
  });
});
